/*
 * process_spawn.h — the few process-control calls the Swift side cannot make itself
 * (prctl and syscall are variadic) or must make between fork and exec, where only
 * async-signal-safe functions may run.
 */
#ifndef CRYSTALRL_PROCESS_SPAWN_H
#define CRYSTALRL_PROCESS_SPAWN_H

#include <sys/types.h>

/* Starts `path` with `argv` and `envp` in a new process group (its own pid), with
 * PR_SET_PDEATHSIG set to SIGKILL, and with child descriptor i = fds[i] for i < nfds; every
 * other descriptor is closed, the signal mask is cleared and SIGPIPE is reset to its default.
 * The child exits with status 127 before exec when its parent is no longer `parent` (the
 * parent died before the death signal was armed). Returns the child's pid, or -1 with errno
 * set (also when exec fails: errno is then the exec error). */
pid_t crl_spawn(const char *path, char *const argv[], char *const envp[], const int *fds,
                int nfds, pid_t parent);

/* For a worker: arms PR_SET_PDEATHSIG with SIGTERM and makes SIGTERM kill the worker's whole
 * process group with SIGKILL (so helpers a plugin started die with it); then checks that the
 * parent is still `expected_parent`. Returns 0, or -1 when the parent is gone. */
int crl_bind_worker_to_parent(pid_t expected_parent);

/* pipe2(fds, O_CLOEXEC), which Swift's Glibc module does not export. */
int crl_pipe_cloexec(int fds[2]);

/* memfd_create(name, MFD_CLOEXEC), likewise. */
int crl_memfd_cloexec(const char *name);

/* Copies up to `count` bytes of this process's memory from `source` to `target` with
 * process_vm_readv: an unmapped source gives a short count (or -1), never a fault. */
long crl_copy_own_memory(void *target, const void *source, unsigned long count);

#endif
