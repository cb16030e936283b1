#include "sfnt.hpp"

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace pdf_output {

namespace {

std::uint32_t u32(std::string_view b, std::size_t at) {
  if (at + 4 > b.size()) throw std::runtime_error("truncated font file");
  auto c = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + i])); };
  return c(0) << 24 | c(1) << 16 | c(2) << 8 | c(3);
}
std::uint16_t u16(std::string_view b, std::size_t at) {
  if (at + 2 > b.size()) throw std::runtime_error("truncated font file");
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) << 8 | static_cast<unsigned char>(b[at + 1]));
}
void put32(std::string& s, std::uint32_t v) {
  for (int k = 3; k >= 0; --k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
}
void put16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v & 0xff));
}
bool is_collection(std::string_view b) { return b.substr(0, 4) == "ttcf"; }

}  // namespace

unsigned face_count(std::string_view font) { return is_collection(font) ? u32(font, 8) : 1; }

std::string extract_face(std::string_view font, unsigned index) {
  if (!is_collection(font)) {
    if (index != 0) throw std::runtime_error("not a font collection: it has only face 0");
    return std::string(font);
  }
  unsigned faces = face_count(font);
  if (index >= faces) throw std::runtime_error("the collection has " + std::to_string(faces) + " faces, no face " + std::to_string(index));
  std::size_t dir = u32(font, 12 + 4 * static_cast<std::size_t>(index));
  std::uint32_t version = u32(font, dir);
  std::uint16_t tables = u16(font, dir + 4);
  struct Table {
    std::uint32_t tag, checksum, offset, length;
  };
  std::vector<Table> t;
  for (std::uint16_t i = 0; i < tables; ++i) {
    std::size_t rec = dir + 12 + 16 * static_cast<std::size_t>(i);
    t.push_back({u32(font, rec), u32(font, rec + 4), u32(font, rec + 8), u32(font, rec + 12)});
    if (static_cast<std::size_t>(t.back().offset) + t.back().length > font.size()) throw std::runtime_error("a table lies outside the file");
  }
  // The offset table is copied as is (searchRange & co. depend only on the count).
  std::string out;
  put32(out, version);
  put16(out, tables);
  out.append(font.substr(dir + 6, 6));
  std::size_t data = 12 + 16 * static_cast<std::size_t>(tables);
  std::string body;
  for (const auto& x : t) {
    put32(out, x.tag);
    put32(out, x.checksum);
    put32(out, static_cast<std::uint32_t>(data + body.size()));
    put32(out, x.length);
    body.append(font.substr(x.offset, x.length));
    while (body.size() % 4) body.push_back('\0');
  }
  return out + body;
}

}  // namespace pdf_output
