/* The ABI packetdrill's --so_filename mode expects from a shared library.
 *
 * Written for strata from the interface packetdrill documents; it declares
 * the same struct layout as google/packetdrill's
 * gtests/net/packetdrill/packetdrill.h (matched against the copy in
 * google/bbr at commit 9a0ade62b7c8e3a19854b5855178dc3bb9d7f453), and the
 * way so_testing.c, run.c and run_system_call.c call it:
 *
 *  - packetdrill dlopen()s the library (RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND),
 *    looks up `packetdrill_interface_init` and calls it once with the
 *    --so_flags string; the library fills every member of the struct.
 *  - Socket calls return what the libc call would: -1 with errno set on
 *    failure (packetdrill reads the global errno afterwards).
 *  - netdev_send(buf, count): one layer-3 packet (an IPv4 header first, no
 *    link header, no tun packet-information header) into the stack.
 *  - netdev_receive(buf, &count, &time_usecs): the next layer-3 packet the
 *    stack sent; packetdrill calls it in a loop and parses what it gets, so
 *    it must block until a packet exists.
 *  - usleep / gettimeofday: packetdrill's clock while it runs the script.
 *  - free(userdata): at the end of the run.
 *
 * The member order is the ABI: do not reorder. Some forks (ligurio's) comment
 * out the epoll members and splice; this layout is upstream's, with them.
 */
#ifndef STRATA_TOOLS_PACKETDRILL_ABI_H
#define STRATA_TOOLS_PACKETDRILL_ABI_H

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

struct packetdrill_interface {
    void* userdata;
    void (*free)(void* userdata);
    int (*socket)(void* userdata, int domain, int type, int protocol);
    int (*bind)(void* userdata, int sockfd, const struct sockaddr* addr, socklen_t addrlen);
    int (*listen)(void* userdata, int sockfd, int backlog);
    int (*accept)(void* userdata, int sockfd, struct sockaddr* addr, socklen_t* addrlen);
    int (*connect)(void* userdata, int sockfd, const struct sockaddr* addr, socklen_t addrlen);
    ssize_t (*read)(void* userdata, int fd, void* buf, size_t count);
    ssize_t (*readv)(void* userdata, int fd, const struct iovec* iov, int iovcnt);
    ssize_t (*recv)(void* userdata, int sockfd, void* buf, size_t len, int flags);
    ssize_t (*recvfrom)(void* userdata, int sockfd, void* buf, size_t len, int flags,
                        struct sockaddr* src_addr, socklen_t* addrlen);
    ssize_t (*recvmsg)(void* userdata, int sockfd, struct msghdr* msg, int flags);
    ssize_t (*write)(void* userdata, int fd, const void* buf, size_t count);
    ssize_t (*writev)(void* userdata, int fd, const struct iovec* iov, int iovcnt);
    ssize_t (*send)(void* userdata, int sockfd, const void* buf, size_t len, int flags);
    ssize_t (*sendto)(void* userdata, int sockfd, const void* buf, size_t len, int flags,
                      const struct sockaddr* dest_addr, socklen_t addrlen);
    ssize_t (*sendmsg)(void* userdata, int sockfd, const struct msghdr* msg, int flags);
    int (*fcntl)(void* userdata, int fd, int cmd, ...);
    int (*ioctl)(void* userdata, int fd, unsigned long request, ...);
    int (*close)(void* userdata, int fd);
    int (*shutdown)(void* userdata, int sockfd, int how);
    int (*getsockopt)(void* userdata, int sockfd, int level, int optname, void* optval,
                      socklen_t* optlen);
    int (*setsockopt)(void* userdata, int sockfd, int level, int optname, const void* optval,
                      socklen_t optlen);
    int (*poll)(void* userdata, struct pollfd* fds, nfds_t nfds, int timeout);
    /* One packet into the stack: 0, or -1 on error. */
    int (*netdev_send)(void* userdata, const void* buf, size_t count);
    /* The next packet out of the stack into buf; *count: buffer size in,
     * bytes written out (0 = nothing); *time_usecs: when it was sent (the
     * clock gettimeofday reports). 0, or -1 on error. */
    int (*netdev_receive)(void* userdata, void* buf, size_t* count, long long* time_usecs);
    int (*usleep)(void* userdata, useconds_t usec);
    int (*gettimeofday)(void* userdata, struct timeval* tv, void* tz /* struct timezone* */);
    int (*epoll_create)(void* userdata, int size);
    int (*epoll_ctl)(void* userdata, int epfd, int op, int fd, struct epoll_event* event);
    int (*epoll_wait)(void* userdata, int epfd, struct epoll_event* events, int maxevents,
                      int timeout);
    int (*pipe)(void* userdata, int pipefd[2]);
    int (*splice)(void* userdata, int fd_in, long long* off_in, int fd_out, long long* off_out,
                  size_t len, unsigned int flags);
};

/* The one symbol the library exports. */
typedef void (*packetdrill_interface_init_t)(const char* flags, struct packetdrill_interface*);

#ifdef __cplusplus
}
#endif

#endif /* STRATA_TOOLS_PACKETDRILL_ABI_H */
