/* floor: the least a container runtime can do to run a command in a
 * container. clone() with the given namespace flags, then in the child make
 * the mount tree private, bind the rootfs onto itself, pivot_root into it and
 * exec the command; the parent waits and returns the child's status. No
 * cgroups, no /proc, no config parsing: the bench reports every runtime's time
 * as a multiple of this.
 *
 * usage: floor [-n pid,net,ipc,uts,mnt,cgroup,user] ROOTFS CMD [ARG...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct child_args {
  const char *rootfs;
  char **argv;
};

static const struct {
  const char *name;
  int flag;
} ns_names[] = {
  {"pid", CLONE_NEWPID},   {"net", CLONE_NEWNET},       {"network", CLONE_NEWNET},
  {"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS},       {"mnt", CLONE_NEWNS},
  {"mount", CLONE_NEWNS},  {"cgroup", CLONE_NEWCGROUP}, {"user", CLONE_NEWUSER},
};

/* Parses "pid,net,..." into CLONE_NEW* flags; -1 on an unknown name. */
static int parse_ns(char *list) {
  int flags = 0;
  for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    size_t i;
    for (i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++)
      if (strcmp(tok, ns_names[i].name) == 0)
        break;
    if (i == sizeof(ns_names) / sizeof(ns_names[0])) {
      fprintf(stderr, "floor: unknown namespace '%s'\n", tok);
      return -1;
    }
    flags |= ns_names[i].flag;
  }
  return flags;
}

/* The child reports a failed step on stderr and exits 127. */
static int fail(const char *what) {
  fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
  _exit(127);
}

static int child(void *p) {
  struct child_args *a = p;
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    fail("make / private");
  /* pivot_root needs the new root to be a mount point. */
  if (mount(a->rootfs, a->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    fail("bind rootfs");
  if (chdir(a->rootfs) < 0)
    fail("chdir rootfs");
  /* pivot_root(".", ".") stacks the old root on top of the new one; a lazy
   * unmount of "." then drops it without needing a directory for it. */
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    fail("pivot_root");
  if (umount2(".", MNT_DETACH) < 0)
    fail("umount old root");
  if (chdir("/") < 0)
    fail("chdir /");
  execv(a->argv[0], a->argv);
  return fail(a->argv[0]);
}

int main(int argc, char **argv) {
  int flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS;
  int opt;
  while ((opt = getopt(argc, argv, "+n:")) != -1) {
    if (opt != 'n')
      return 2;
    flags = parse_ns(optarg);
    if (flags < 0)
      return 2;
  }
  if (argc - optind < 2) {
    fprintf(stderr, "usage: floor [-n pid,net,ipc,uts,mnt,cgroup,user] ROOTFS CMD [ARG...]\n");
    return 2;
  }
  struct child_args a = {.rootfs = argv[optind], .argv = argv + optind + 1};
  if (!(flags & CLONE_NEWNS)) {
    fprintf(stderr, "floor: a mount namespace is needed for pivot_root\n");
    return 2;
  }
  size_t stack_size = 64 * 1024;
  char *stack = malloc(stack_size);
  if (!stack)
    return 1;
  pid_t pid = clone(child, stack + stack_size, flags | SIGCHLD, &a);
  if (pid < 0) {
    perror("floor: clone");
    return 1;
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      perror("floor: waitpid");
      return 1;
    }
  free(stack);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
