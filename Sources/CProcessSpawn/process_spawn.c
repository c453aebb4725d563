#define _GNU_SOURCE
#include "process_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* Closes every descriptor from `first` up. */
static void close_from(int first) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)first, ~0u, 0u) == 0) return;
#endif
    struct rlimit limit;
    long last = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536
                    ? (long)limit.rlim_cur
                    : 65536;
    for (long fd = first; fd < last; fd++) close((int)fd);
}

pid_t crl_spawn(const char *path, char *const argv[], char *const envp[], const int *fds,
                int nfds, pid_t parent) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(report[0]);
        close(report[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        /* Child: async-signal-safe calls only. */
        int error = 0;
        setpgid(0, 0);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
        /* Move the sources and the report pipe above the target range first, so no dup2
         * clobbers one; the report pipe ends up just above the child's descriptors. */
        int base = nfds + 3 > report[1] + 1 ? nfds + 3 : report[1] + 1;
        int report_fd = fcntl(report[1], F_DUPFD_CLOEXEC, base);
        int moved[64];
        if (report_fd < 0 || nfds > 64) {
            error = report_fd < 0 ? errno : EINVAL;
            goto fail;
        }
        report[1] = report_fd;
        for (int i = 0; i < nfds; i++) {
            moved[i] = fcntl(fds[i], F_DUPFD, base);
            if (moved[i] < 0) {
                error = errno;
                goto fail;
            }
        }
        for (int i = 0; i < nfds; i++) {
            if (dup2(moved[i], i) < 0) {
                error = errno;
                goto fail;
            }
        }
        if (dup3(report_fd, nfds, O_CLOEXEC) < 0) {
            error = errno;
            goto fail;
        }
        report[1] = nfds;
        close_from(nfds + 1);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        execve(path, argv, envp);
        error = errno;
    fail:
        (void)!write(report[1], &error, sizeof error);
        _exit(127);
    }
    close(report[1]);
    int error = 0;
    ssize_t got;
    do {
        got = read(report[0], &error, sizeof error);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof error) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        errno = error;
        return -1;
    }
    return pid;
}

static void kill_group(int signal) {
    (void)signal;
    kill(0, SIGKILL);
}

int crl_bind_worker_to_parent(pid_t expected_parent) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = kill_group;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, NULL);
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) return -1;
    return getppid() == expected_parent ? 0 : -1;
}

int crl_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int crl_memfd_cloexec(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

long crl_copy_own_memory(void *target, const void *source, unsigned long count) {
    struct iovec local = {target, count};
    struct iovec remote = {(void *)source, count};
    return (long)process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
}
