#include "elf_symbols.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string_view>

namespace nianbao::detail {

namespace {
// The file mapped, not read: a plugin built with debug information is
// megabytes, of which the symbol table is a few pages (reading it whole,
// byte by byte, was a fifth of `nianbao check`'s time).
class Mapped {
 public:
  explicit Mapped(const std::filesystem::path& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot be read");
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      throw std::runtime_error("not a regular file");
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        throw std::runtime_error("cannot be read");
      }
      data_ = static_cast<const char*>(p);
    }
    ::close(fd);
  }
  ~Mapped() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  Mapped(const Mapped&) = delete;
  Mapped& operator=(const Mapped&) = delete;
  std::string_view bytes() const { return {data_ ? data_ : "", size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

template <class T>
T read_at(std::string_view bytes, std::size_t offset) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) throw std::runtime_error("truncated ELF file");
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof(T));
  return v;
}
}  // namespace

std::vector<std::string> elf_exported_symbols(const std::filesystem::path& file) {
  const Mapped mapped(file);
  const std::string_view bytes = mapped.bytes();
  if (bytes.size() < EI_NIDENT || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0) throw std::runtime_error("not an ELF file");
  if (bytes[EI_CLASS] != ELFCLASS64 || bytes[EI_DATA] != ELFDATA2LSB) throw std::runtime_error("not a 64-bit little-endian ELF file");
  auto eh = read_at<Elf64_Ehdr>(bytes, 0);
#if defined(__x86_64__)
  if (eh.e_machine != EM_X86_64) throw std::runtime_error("built for another processor");
#elif defined(__aarch64__)
  if (eh.e_machine != EM_AARCH64) throw std::runtime_error("built for another processor");
#endif
  if (eh.e_type != ET_DYN) throw std::runtime_error("not a shared library");
  std::vector<std::string> names;
  for (unsigned i = 0; i < eh.e_shnum; ++i) {
    auto sh = read_at<Elf64_Shdr>(bytes, eh.e_shoff + static_cast<std::size_t>(i) * eh.e_shentsize);
    if (sh.sh_type != SHT_DYNSYM || sh.sh_entsize == 0) continue;
    auto strtab = read_at<Elf64_Shdr>(bytes, eh.e_shoff + static_cast<std::size_t>(sh.sh_link) * eh.e_shentsize);
    for (std::size_t k = 0; k < sh.sh_size / sh.sh_entsize; ++k) {
      auto sym = read_at<Elf64_Sym>(bytes, sh.sh_offset + k * sh.sh_entsize);
      unsigned bind = ELF64_ST_BIND(sym.st_info);
      if (sym.st_shndx == SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK)) continue;
      std::size_t at = strtab.sh_offset + sym.st_name;
      if (at >= bytes.size()) throw std::runtime_error("corrupt symbol table");
      std::size_t end = bytes.find('\0', at);
      if (end == std::string_view::npos) throw std::runtime_error("corrupt symbol table");
      names.emplace_back(bytes.substr(at, end - at));
    }
  }
  return names;
}

}  // namespace nianbao::detail
