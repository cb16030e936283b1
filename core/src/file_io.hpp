// Checked writes to a file descriptor, shared by the SDK's write_bytes and
// the host's staging of outputs: every short write, failed write and failed
// close becomes an Error naming the file, with the exit code its errno means.
// Private to nianbao's own libraries (not installed).
#pragma once
#include <nianbao/api.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace nianbao::detail {

[[noreturn]] NIANBAO_API void fail(int err, const std::string& what, const std::filesystem::path& where);
NIANBAO_API void write_all(int fd, std::string_view bytes, const std::filesystem::path& shown);
// close() is where some file systems (NFS) report a failed write.
NIANBAO_API void close_checked(int fd, const std::filesystem::path& shown);

}  // namespace nianbao::detail
