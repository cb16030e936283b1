// libFuzzer target: the xlsx input's workbook reader (liborcus and our own
// rewrites of what liborcus 0.17 misreads). Random bytes seldom make a zip,
// so the input is the one part that holds the cells, put in an otherwise
// well-formed package: the first byte picks .xlsx (a worksheet) or .ods
// (content.xml). Whatever the part holds, the reader ends in nianbao::Error
// or a workbook, never another exception, a crash, a hang or a sanitizer report.
#include "workbook.hpp"

#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace {

std::string zipped(const std::vector<std::pair<std::string, std::string>>& parts) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* dst = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_source_keep(dst);
  zip_t* z = zip_open_from_source(dst, ZIP_TRUNCATE, &err);
  for (const auto& [name, data] : parts)
    zip_file_add(z, name.c_str(), zip_source_buffer(z, data.data(), data.size(), 0), ZIP_FL_OVERWRITE);
  if (zip_close(z) != 0) std::abort();
  zip_stat_t st;
  std::string out;
  if (zip_source_stat(dst, &st) == 0 && zip_source_open(dst) == 0) {
    out.resize(st.size);
    zip_source_read(dst, out.data(), st.size);
    zip_source_close(dst);
  }
  zip_source_free(dst);
  return out;
}

const char kTypes[] =
    R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
    R"(<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>)"
    R"(<Default Extension="xml" ContentType="application/xml"/>)"
    R"(<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>)"
    R"(<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>)"
    R"(</Types>)";
const char kRootRels[] =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>)"
    R"(</Relationships>)";
const char kWorkbook[] =
    R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
    R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>)";
const char kWorkbookRels[] =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)"
    R"(</Relationships>)";
const char kManifest[] =
    R"(<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">)"
    R"(<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>)"
    R"(<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string part(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string package =
      data[0] & 1 ? zipped({{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
                            {"META-INF/manifest.xml", kManifest},
                            {"content.xml", part}})
                  : zipped({{"[Content_Types].xml", kTypes},
                            {"_rels/.rels", kRootRels},
                            {"xl/workbook.xml", kWorkbook},
                            {"xl/_rels/workbook.xml.rels", kWorkbookRels},
                            {"xl/worksheets/sheet1.xml", part}});
  try {
    xlsx_input::Workbook wb = xlsx_input::read_workbook_bytes(package, "fuzz.xlsx");
    for (const auto& sheet : wb.sheets)
      for (const auto& [at, value] : sheet.cells)
        if (at.first < 1 || at.second < 1) std::abort();  // cells are where a spreadsheet shows them
  } catch (const nianbao::Error&) {
  }
  return 0;
}
