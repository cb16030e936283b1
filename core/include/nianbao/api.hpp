// Symbol visibility for the core library. The core is built with hidden
// visibility; what the SDK headers declare is exported with NIANBAO_API.
#pragma once
#define NIANBAO_API __attribute__((visibility("default")))
