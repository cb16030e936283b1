#include <nianbao/error.hpp>
#include <nianbao/hash.hpp>

#include <openssl/evp.h>

#include <cstdio>
#include <fstream>

namespace nianbao {

struct Sha256::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : s_(std::make_unique<State>()) {
  if (!s_->ctx || EVP_DigestInit_ex(s_->ctx, EVP_sha256(), nullptr) != 1) throw Error(ExitCode::software, "SHA-256 unavailable");
}
Sha256::~Sha256() = default;

Sha256& Sha256::add(std::string_view bytes) {
  unsigned char len[8];
  auto n = static_cast<unsigned long long>(bytes.size());
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
  EVP_DigestUpdate(s_->ctx, len, sizeof len);
  EVP_DigestUpdate(s_->ctx, bytes.data(), bytes.size());
  return *this;
}

Sha256& Sha256::add_raw(std::string_view bytes) {
  EVP_DigestUpdate(s_->ctx, bytes.data(), bytes.size());
  return *this;
}

namespace {
std::string to_hex(const unsigned char* d, unsigned n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out += digits[d[i] >> 4];
    out += digits[d[i] & 15];
  }
  return out;
}
}  // namespace

std::string Sha256::hex() {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_DigestFinal_ex(s_->ctx, d, &n);
  return to_hex(d, n);
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_Digest(bytes.data(), bytes.size(), d, &n, EVP_sha256(), nullptr);
  return to_hex(d, n);
}

std::string sha256_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ExitCode::io, "cannot read " + file.string());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    EVP_DigestUpdate(ctx, buf, static_cast<std::size_t>(in.gcount()));
  }
  bool bad = in.bad();
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_DigestFinal_ex(ctx, d, &n);
  EVP_MD_CTX_free(ctx);
  if (bad) throw Error(ExitCode::io, "error reading " + file.string());
  return to_hex(d, n);
}

}  // namespace nianbao
