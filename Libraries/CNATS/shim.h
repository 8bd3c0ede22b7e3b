// The nats.c client from Debian's libnats-dev (pkg-config name `libnats`).
#include <nats/nats.h>
