/* fuzz.h — the libFuzzer entry point every target in this directory defines */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
