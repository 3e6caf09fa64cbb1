/*
 * Test helper: enter seccomp strict mode, then block in read(2) on stdin
 * (allowed in strict mode) until killed.  Prints nothing after entering.
 */
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(void)
{
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0) {
        perror("prctl");
        return 1;
    }
    char b;
    for (;;)
        if (read(0, &b, 1) <= 0)
            pause();            /* not allowed: the kernel kills us, which is fine */
}
