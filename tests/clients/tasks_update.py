#!/usr/bin/python3
"""Calls containerd's Tasks.Update (ctr 1.6 has no `task update`).

usage: tasks_update.py SOCKET NAMESPACE CONTAINER RESOURCES_JSON

The request is encoded by hand (only grpcio is needed, no generated code):
  containerd.services.tasks.v1.UpdateTaskRequest {
    string container_id = 1;
    google.protobuf.Any resources = 2;   // {type_url = 1, bytes value = 2}
  }
containerd's runc shim takes the Any's value as LinuxResources JSON (the
typeurl of a non-protobuf Go type) and runs `runtime update --resources -`.
"""
import json
import sys

import grpc

LINUX_RESOURCES = "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources"


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_bytes(number, payload):
    # wire type 2: length-delimited
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sock, namespace, container, resources = sys.argv[1:]
    value = json.dumps(json.loads(resources)).encode()
    any_msg = field_bytes(1, LINUX_RESOURCES.encode()) + field_bytes(2, value)
    request = field_bytes(1, container.encode()) + field_bytes(2, any_msg)
    with grpc.insecure_channel("unix://" + sock) as channel:
        update = channel.unary_unary(
            "/containerd.services.tasks.v1.Tasks/Update",
            request_serializer=lambda b: b,
            response_deserializer=lambda b: b)
        try:
            update(request, metadata=[("containerd-namespace", namespace)], timeout=30)
        except grpc.RpcError as e:
            sys.exit("Tasks.Update %s: %s: %s" % (container, e.code().name, e.details()))


if __name__ == "__main__":
    main()
