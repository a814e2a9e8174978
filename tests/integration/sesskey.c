/* Test helper, static so it runs inside a busybox rootfs: prints the
 * serial of the calling process's session keyring (KEYCTL_GET_KEYRING_ID
 * without creating one), to tell a fresh session keyring from an inherited
 * one (create/run --no-new-keyring). */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
  long id = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* KEY_SPEC_SESSION_KEYRING */, 0);
  if (id < 0) {
    perror("keyctl");
    return 1;
  }
  printf("%ld\n", id);
  return 0;
}
