/* spec/: one bad input per kind of mistake, each with its exact error text.
 * Fragments are wrapped as {"ociVersion":"1.0.0","root":{"path":"rootfs"},X}
 * unless they start with '!' (then the rest is the whole document). */
#include "unit.h"

#include "spec/spec.h"

struct bad_case {
  const char *json;
  const char *error;
};

#define PROC(x) "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"," x "}"
#define LINUX(x) "\"linux\":{" x "}"
#define RES(x) LINUX("\"resources\":{" x "}")
#define SECCOMP(x) LINUX("\"seccomp\":{" x "}")

static const struct bad_case cases[] = {
    /* JSON syntax and shape */
    {"!{]", "config: invalid JSON at line 1, column 2: parse error: invalid object key (must be a string)"},
    {"!{\n  \"ociVersion\": \"1.0.0\",\n  \"root\": {\"path\": \"r\"\n}",
     "config: invalid JSON at line 4, column 2: parse error: premature EOF"},
    {"!{\"a\": tru}", "config: invalid JSON at line 1, column 9: lexical error: invalid string in json text"},
    {"![1]", "expected object, got array"},
    {"!{\"root\":{\"path\":\"r\"}}", "ociVersion: required"},
    {"!{\"ociVersion\":1,\"root\":{\"path\":\"r\"}}", "ociVersion: expected string, got integer"},
    {"!{\"ociVersion\":\"1.0.0\"}", "root: required"},
    {"!{\"ociVersion\":\"1.0.0\",\"root\":{}}", "root.path: required"},
    {"!{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\",\"readonly\":\"yes\"}}",
     "root.readonly: expected boolean, got string"},
    /* mounts */
    {"\"mounts\":{}", "mounts: expected array, got object"},
    {"\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\"},{\"destination\":\"/c\"},"
     "{\"destination\":\"/d\"},{\"destination\":\"e\"}]",
     "mounts[4].destination: must be absolute, got \"e\""},
    {"\"mounts\":[{\"type\":\"tmpfs\"}]", "mounts[0].destination: required"},
    {"\"mounts\":[{\"destination\":\"/a\",\"options\":[\"ro\",5]}]",
     "mounts[0].options[1]: expected string, got integer"},
    {"\"mounts\":[{\"destination\":\"/a\",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,"
     "\"size\":1}]}]",
     "mounts[0]: idmapped mount needs both uidMappings and gidMappings"},
    /* process */
    {PROC("\"terminal\":1"), "process.terminal: expected boolean, got integer"},
    {"\"process\":{\"args\":[],\"cwd\":\"/\"}", "process.args: must not be empty"},
    {"\"process\":{\"args\":[\"sh\"]}", "process.cwd: required"},
    {"\"process\":{\"args\":[\"sh\"],\"cwd\":\"tmp\"}", "process.cwd: must be absolute, got \"tmp\""},
    {PROC("\"env\":[\"PATH\"]"), "process.env[0]: expected NAME=value, got \"PATH\""},
    {PROC("\"env\":[\"A=1\",\"=x\"]"), "process.env[1]: expected NAME=value, got \"=x\""},
    {PROC("\"user\":{\"uid\":-1}"), "process.user.uid: -1 out of range [0, 4294967295]"},
    {PROC("\"user\":{\"uid\":4294967296}"), "process.user.uid: 4294967296 out of range [0, 4294967295]"},
    {PROC("\"user\":{\"gid\":1.5}"), "process.user.gid: expected integer, got number"},
    {PROC("\"user\":{\"umask\":4096}"), "process.user.umask: must be at most 0777"},
    {PROC("\"consoleSize\":{\"height\":10}"), "process.consoleSize.width: required"},
    {PROC("\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\",\"CAP_SETUID\",\"CAP_FOO\"]}"),
     "process.capabilities.bounding[3]: unknown capability \"CAP_FOO\""},
    {PROC("\"capabilities\":{\"ambient\":\"CAP_KILL\"}"),
     "process.capabilities.ambient: expected array, got string"},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":1}]"),
     "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":1},"
          "{\"type\":\"RLIMIT_CORE\",\"soft\":2,\"hard\":2}]"),
     "process.rlimits[1].type: duplicate rlimit \"RLIMIT_CORE\""},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":5}]"),
     "process.rlimits[0]: soft limit 10 exceeds hard limit 5"},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":5}]"), "process.rlimits[0].soft: required"},
    {PROC("\"oomScoreAdj\":1001"), "process.oomScoreAdj: 1001 out of range [-1000, 1000]"},
    {PROC("\"scheduler\":{\"policy\":\"SCHED_FAST\"}"),
     "process.scheduler.policy: unknown scheduler policy \"SCHED_FAST\""},
    {PROC("\"scheduler\":{\"nice\":1}"), "process.scheduler.policy: required"},
    {PROC("\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"flags\":[\"SCHED_FLAG_X\"]}"),
     "process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_X\""},
    {PROC("\"scheduler\":{\"policy\":\"SCHED_FIFO\"}"),
     "process.scheduler.priority: must be 1-99 with a real-time policy, got 0"},
    {PROC("\"scheduler\":{\"policy\":\"SCHED_BATCH\",\"priority\":5}"),
     "process.scheduler.priority: must be 0 unless the policy is SCHED_FIFO or SCHED_RR"},
    {PROC("\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"runtime\":5000}"),
     "process.scheduler.runtime: only valid with SCHED_DEADLINE"},
    {PROC("\"scheduler\":{\"policy\":\"SCHED_DEADLINE\",\"runtime\":5000,\"deadline\":4000}"),
     "process.scheduler.deadline: must not be below runtime"},
    {PROC("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_NONE\"}"),
     "process.ioPriority.class: unknown ioPriority class \"IOPRIO_CLASS_NONE\""},
    {PROC("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":8}"),
     "process.ioPriority.priority: 8 out of range [0, 7]"},
    {PROC("\"execCPUAffinity\":{\"initial\":\"0-3;5\"}"),
     "process.execCPUAffinity.initial: invalid CPU list \"0-3;5\": unexpected character"},
    {PROC("\"execCPUAffinity\":{\"final\":\"3-1\"}"),
     "process.execCPUAffinity.final: invalid CPU list \"3-1\": descending range"},
    {RES("\"cpu\":{\"cpus\":\"0,\"}"), "linux.resources.cpu.cpus: invalid CPU list \"0,\": trailing comma"},
    {RES("\"cpu\":{\"mems\":\"0-99999\"}"),
     "linux.resources.cpu.mems: invalid memory node list \"0-99999\": number above 65535"},
    {LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_INTERLEAVE\"}"),
     "linux.memoryPolicy.nodes: required with MPOL_INTERLEAVE"},
    {LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_LOCAL\",\"nodes\":\"1\"}"),
     "linux.memoryPolicy.nodes: must be empty with MPOL_LOCAL"},
    {LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\","
           "\"flags\":[\"MPOL_F_STATIC_NODES\",\"MPOL_F_RELATIVE_NODES\"]}"),
     "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other"},
    /* hooks, annotations, hostname */
    {"\"hooks\":{\"prestart\":[{\"path\":\"hook\"}]}", "hooks.prestart[0].path: must be absolute, got \"hook\""},
    {"\"hooks\":{\"poststop\":[{\"path\":\"/h\",\"timeout\":0}]}",
     "hooks.poststop[0].timeout: must be greater than 0, got 0"},
    {"\"annotations\":{\"a\":1}", "annotations[\"a\"]: expected string, got integer"},
    {"\"hostname\":\"h\",\"linux\":{}", "hostname: set without a UTS namespace"},
    /* linux */
    {LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"pid\"}]"),
     "linux.namespaces[2]: duplicate namespace \"pid\""},
    {LINUX("\"namespaces\":[{\"type\":\"pidns\"}]"),
     "linux.namespaces[0].type: unknown namespace type \"pidns\""},
    {LINUX("\"namespaces\":[{\"type\":\"net\"}]"),
     "linux.namespaces[0].type: unknown namespace type \"net\""},
    {LINUX("\"namespaces\":[{\"type\":\"network\",\"path\":\"netns\"}]"),
     "linux.namespaces[0].path: must be absolute, got \"netns\""},
    {LINUX("\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
           "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"),
     "linux.uidMappings: set without a user namespace"},
    {LINUX("\"namespaces\":[{\"type\":\"user\"}]"), "linux.uidMappings: required with a new user namespace"},
    {LINUX("\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000}]"),
     "linux.uidMappings[0].size: required"},
    {LINUX("\"namespaces\":[{\"type\":\"user\"}],"
           "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":10},"
           "{\"containerID\":5,\"hostID\":5000,\"size\":10}],"
           "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"),
     "linux.uidMappings[1]: container IDs overlap entry 0"},
    {LINUX("\"namespaces\":[{\"type\":\"user\"}],"
           "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
           "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":10},"
           "{\"containerID\":10,\"hostID\":1009,\"size\":1}]"),
     "linux.gidMappings[1]: host IDs overlap entry 0"},
    {LINUX("\"namespaces\":[{\"type\":\"user\"}],"
           "\"uidMappings\":[{\"containerID\":0,\"hostID\":4294967290,\"size\":10}]"),
     "linux.uidMappings[0]: hostID 4294967290 + size 10 runs past the largest ID"},
    {LINUX("\"timeOffsets\":{\"realtime\":{\"secs\":1}}"),
     "linux.timeOffsets: unknown clock \"realtime\" (want monotonic or boottime)"},
    {LINUX("\"timeOffsets\":{\"monotonic\":{\"secs\":1}}"),
     "linux.timeOffsets: set without a time namespace"},
    {LINUX("\"namespaces\":[{\"type\":\"time\",\"path\":\"/proc/1/ns/time\"}],"
           "\"timeOffsets\":{\"boottime\":{\"secs\":1}}"),
     "linux.timeOffsets: cannot be set when joining a time namespace"},
    {LINUX("\"devices\":[{\"path\":\"/dev/x\",\"type\":\"x\",\"major\":1,\"minor\":1}]"),
     "linux.devices[0].type: unknown device type \"x\" (want c, b, u or p)"},
    {LINUX("\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"minor\":1}]"),
     "linux.devices[0].major: required for type c"},
    /* 010666: a fifo's type bits on a char device */
    {LINUX("\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3,"
           "\"fileMode\":4534}]"),
     "linux.devices[0].fileMode: 10666 has bits beyond 07777 (and not the file type of a type c "
     "device)"},
    {LINUX("\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3,"
           "\"fileMode\":4294967295}]"),
     "linux.devices[0].fileMode: 37777777777 has bits beyond 07777 (and not the file type of a "
     "type c device)"},
    {LINUX("\"devices\":[{\"path\":\"dev/x\",\"type\":\"p\"}]"),
     "linux.devices[0].path: must be absolute, got \"dev/x\""},
    {LINUX("\"netDevices\":{\"eth0\":{\"name\":23}}"),
     "linux.netDevices[\"eth0\"].name: expected string, got integer"},
    {LINUX("\"netDevices\":{\"eth0\":{\"name\":\"a/b\"}}"),
     "linux.netDevices[\"eth0\"].name: invalid interface name \"a/b\""},
    {LINUX("\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}"),
     "linux.sysctl[\"net.ipv4.ip_forward\"]: sysctl \"net.ipv4.ip_forward\" needs a network namespace"},
    {LINUX("\"sysctl\":{\"kernel.panic\":\"1\"}"),
     "linux.sysctl[\"kernel.panic\"]: sysctl \"kernel.panic\" is not namespaced: it would change the host"},
    {LINUX("\"sysctl\":{\"net.core.somaxconn\":256}"),
     "linux.sysctl[\"net.core.somaxconn\"]: expected string, got integer"},
    {LINUX("\"rootfsPropagation\":\"recursive\""),
     "linux.rootfsPropagation: unknown propagation \"recursive\""},
    {LINUX("\"maskedPaths\":[\"/proc/kcore\",\"proc/keys\"]"),
     "linux.maskedPaths[1]: must be absolute, got \"proc/keys\""},
    {LINUX("\"personality\":{\"domain\":\"LINUX64\"}"),
     "linux.personality.domain: unknown personality domain \"LINUX64\""},
    {LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_FAST\"}"),
     "linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_FAST\""},
    {LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"flags\":[\"MPOL_F_X\"]}"),
     "linux.memoryPolicy.flags[0]: unknown memory policy flag \"MPOL_F_X\""},
    {LINUX("\"intelRdt\":{\"memBwSchema\":\"L3:0=1\"}"),
     "linux.intelRdt.memBwSchema: must start with \"MB:\" and be one line"},
    /* resources */
    {RES("\"memory\":{\"limit\":\"1G\"}"), "linux.resources.memory.limit: expected integer, got string"},
    {RES("\"memory\":{\"limit\":9223372036854775808}"),
     "linux.resources.memory.limit: 9223372036854775808 out of range [-1, 9223372036854775807]"},
    {RES("\"memory\":{\"swappiness\":101}"), "linux.resources.memory.swappiness: 101 out of range [0, 100]"},
    {RES("\"cpu\":{\"shares\":-2}"), "linux.resources.cpu.shares: -2 out of range [0, 18446744073709551615]"},
    {RES("\"pids\":{}"), "linux.resources.pids.limit: required"},
    {RES("\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]"),
     "linux.resources.devices[0].access: invalid access \"rwx\" (want a subset of \"rwm\")"},
    {RES("\"devices\":[{\"access\":\"r\"}]"), "linux.resources.devices[0].allow: required"},
    {RES("\"devices\":[{\"allow\":true,\"type\":\"p\"}]"),
     "linux.resources.devices[0].type: unknown device type \"p\" (want a, c or b)"},
    {RES("\"hugepageLimits\":[{\"limit\":1,\"pageSize\":\"64kB\"}]"),
     "linux.resources.hugepageLimits[0].pageSize: invalid page size \"64kB\" (want e.g. \"2MB\")"},
    {RES("\"blockIO\":{\"weight\":65536}"), "linux.resources.blockIO.weight: 65536 out of range [0, 65535]"},
    {RES("\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0}]}"),
     "linux.resources.blockIO.throttleReadBpsDevice[0].rate: required"},
    {RES("\"rdma\":{\"mlx5_1\":{\"hcaHandles\":\"not a uint32\"}}"),
     "linux.resources.rdma[\"mlx5_1\"].hcaHandles: expected integer, got string"},
    {RES("\"network\":{\"priorities\":[{\"name\":\"eth0\"}]}"),
     "linux.resources.network.priorities[0].priority: required"},
    {RES("\"unified\":{\"memory.max\":[]}"), "linux.resources.unified[\"memory.max\"]: expected string, got array"},
    /* seccomp */
    {SECCOMP("\"architectures\":[]"), "linux.seccomp.defaultAction: required"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_DENY\""),
     "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_DENY\""},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":1"),
     "linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_Z80\"]"),
     "linux.seccomp.architectures[0]: unknown seccomp architecture \"SCMP_ARCH_Z80\""},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_FAST\"]"),
     "linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_FAST\""},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ERRNO\"}]"),
     "linux.seccomp.syscalls[0].names: must not be empty"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"]}]"),
     "linux.seccomp.syscalls[0].action: required"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
             "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]"),
     "linux.seccomp.syscalls[0].args[0].index: 6 out of range [0, 5]"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
             "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_XX\"}]}]"),
     "linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_XX\""},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"l.sock\""),
     "linux.seccomp.listenerPath: must be absolute, got \"l.sock\""},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/l\""),
     "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mount\"],"
             "\"action\":\"SCMP_ACT_NOTIFY\"}]"),
     "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerMetadata\":\"x\""),
     "linux.seccomp.listenerMetadata: set without listenerPath"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
             "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":65536}]"),
     "linux.seccomp.syscalls[0].errnoRet: 65536 out of range [0, 65535]"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
             "\"action\":\"SCMP_ACT_KILL\",\"errnoRet\":1}]"),
     "linux.seccomp.syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_KILL"},
    {LINUX("\"cgroupsPath\":\"/hull/../../escape\""),
     "linux.cgroupsPath: must not contain \"..\", got \"/hull/../../escape\""},
    {LINUX("\"namespaces\":[{\"type\":\"network\"}],\"sysctl\":{\"net/ipv4/../../../kernel/panic\":\"1\"}"),
     "linux.sysctl[\"net/ipv4/../../../kernel/panic\"]: invalid sysctl name \"net/ipv4/../../../kernel/panic\""},
    {LINUX("\"namespaces\":[{\"type\":\"network\"}],\"sysctl\":{\"net..core\":\"1\"}"),
     "linux.sysctl[\"net..core\"]: invalid sysctl name \"net..core\""},
    {RES("\"cpu\":{\"quota\":1000,\"burst\":2000}"),
     "linux.resources: cpu.burst 2000 exceeds cpu.quota 1000"},
    {RES("\"memory\":{\"limit\":2000,\"swap\":1000}"),
     "linux.resources: memory.swap 1000 is below memory.limit 2000 (swap counts memory + swap)"},
    {LINUX("\"personality\":{\"domain\":\"LINUX\",\"flags\":[\"ADDR_NO_RANDOMIZE\"]}"),
     "linux.personality.flags[0]: unknown personality flag \"ADDR_NO_RANDOMIZE\""},
    {"\"hostname\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
     "hostname: longer than 64 bytes"},
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static void check_case(void **state) {
  const struct bad_case *bc = *state;
  _cleanup_free_ char *json =
      bc->json[0] == '!'
          ? hull_xstrdup(bc->json + 1)
          : hull_xasprintf("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\"},%s}", bc->json);
  struct hull_err *err = NULL;
  struct hull_spec *s = hull_spec_parse(json, strlen(json), &err);
  if (s != NULL) {
    hull_spec_free(s);
    fail_msg("accepted: %s", json);
  }
  assert_non_null(err);
  assert_string_equal(err->msg, bc->error);
  hull_err_free(&err);
}

int main(void) {
  struct CMUnitTest tests[N_CASES];
  char names[N_CASES][48];
  for (size_t i = 0; i < N_CASES; i++) {
    snprintf(names[i], sizeof(names[i]), "bad_input_%03zu", i);
    tests[i] = (struct CMUnitTest){names[i], check_case, NULL, NULL, (void *)&cases[i]};
  }
  return _cmocka_run_group_tests("spec_errors", tests, N_CASES, NULL, NULL);
}
