# Turns a default (`runc spec`/`hull spec`) config into the config that
# containerd's CRI plugin sends for a plain pod container with the
# runtime/default seccomp profile: containerd's default capability set, its
# masked and read-only paths, a devices allow-list, /sys/fs/cgroup and the
# /etc/hosts, /etc/resolv.conf, /etc/hostname bind mounts, no no_new_privs,
# a writable rootfs, CPU shares of a best-effort pod, and the seccomp profile.
#
# Inputs: --slurpfile profile FILE (a containers/Docker-format seccomp.json),
#         --arg etc DIR (holds hosts, resolv.conf, hostname to bind-mount).
# The Docker-format profile is converted to OCI linux.seccomp for amd64 and
# for the capabilities the container has, the way the engines do it.

def caps: [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
  "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"
];

def has($list; $x): ($list | index($x)) != null;

# Whether a profile rule applies to amd64 and to a container with `caps`.
def applies:
  ((.includes.arches // []) as $a | ($a | length) == 0 or has($a; "amd64"))
  and ((has(.excludes.arches // []; "amd64")) | not)
  and ((.includes.caps // []) | all(. as $c | has(caps; $c)))
  and ((.excludes.caps // []) | all(. as $c | has(caps; $c) | not));

def oci_rule:
  {names, action}
  + (if (.args // []) | length > 0
     then {args: [.args[] | {index, value, op}
                  + (if (.valueTwo // 0) != 0 then {valueTwo} else {} end)]}
     else {} end)
  + (if .errnoRet then {errnoRet} else {} end);

def oci_seccomp:
  {defaultAction, defaultErrnoRet,
   architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
   syscalls: [.syscalls[] | select(applies) | oci_rule]};

# A devices allow rule; a null minor is the "*" wildcard (the key is left out).
def dev($type; $major; $minor):
  {allow: true, type: $type, major: $major} + (if $minor == null then {} else {minor: $minor} end)
  + {access: "rwm"};

.process.capabilities = {bounding: caps, effective: caps, permitted: caps}
| .process.noNewPrivileges = false
| .root.readonly = false
| .mounts = [
    {destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"]},
    {destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
    {destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]},
    {destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]},
    {destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "relatime", "ro"]},
    {destination: "/etc/hosts", type: "bind", source: ($etc + "/hosts"), options: ["rbind", "rprivate", "rw"]},
    {destination: "/etc/hostname", type: "bind", source: ($etc + "/hostname"), options: ["rbind", "rprivate", "rw"]},
    {destination: "/etc/resolv.conf", type: "bind", source: ($etc + "/resolv.conf"), options: ["rbind", "rprivate", "rw"]},
    {destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]}
  ]
| .linux.namespaces = [{type: "pid"}, {type: "ipc"}, {type: "uts"}, {type: "mount"}, {type: "network"}]
| .linux.maskedPaths = ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/sys/firmware", "/sys/devices/virtual/powercap", "/proc/scsi"]
| .linux.readonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
| .linux.resources = {
    devices: [{allow: false, access: "rwm"},
      dev("c"; 1; 3), dev("c"; 1; 8), dev("c"; 1; 7), dev("c"; 5; 0), dev("c"; 1; 5),
      dev("c"; 1; 9), dev("c"; 5; 1), dev("c"; 136; null), dev("c"; 5; 2), dev("c"; 10; 200)],
    cpu: {shares: 2}
  }
| .linux.seccomp = ($profile[0] | oci_seccomp)
