#!/bin/sh
# Counts the lines of the task body of each example named on the command
# line, as docs/tasks.md defines them: the lines between the markers
# "// [task]" and "// [/task]", minus blank lines and lines that are only a
# comment (after clang-format, so one statement split over three lines counts
# three). Prints "file lines" per file.
#   task_lines.sh FILE...            counts
#   task_lines.sh --ratio A B MAX    fails unless lines(A) <= MAX * lines(B)
count() {
    awk '/\/\/ \[task\]/ { on = 1; next }
         /\/\/ \[\/task\]/ { on = 0 }
         on && !/^[[:space:]]*$/ && !/^[[:space:]]*\/\// { n++ }
         END { print n + 0 }' "$1"
}
if [ "$1" = "--ratio" ]; then
    a=$(count "$2"); b=$(count "$3")
    echo "$(basename "$2") $a, $(basename "$3") $b, limit $4 x $b"
    awk -v a="$a" -v b="$b" -v m="$4" 'BEGIN { exit !(a > 0 && b > 0 && a <= m * b) }'
    exit
fi
for f in "$@"; do echo "$(basename "$f") $(count "$f")"; done
