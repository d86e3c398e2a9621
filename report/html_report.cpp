#include "html_report.hpp"

#include <sshtc/matrix_html.hpp>

namespace sshtc {

std::string matrix_html(const std::string& matrix_json) {
  // Inside <script>, "</" could end the element early; "<\/" is the same JSON string.
  std::string data;
  for (size_t i = 0; i < matrix_json.size(); ++i) {
    data += matrix_json[i];
    if (matrix_json[i] == '<' && i + 1 < matrix_json.size() && matrix_json[i + 1] == '/') data += '\\';
  }
  std::string page = kMatrixHtmlTemplate;
  const std::string placeholder = "@MATRIX_JSON@";
  return page.replace(page.find(placeholder), placeholder.size(), data);
}

}  // namespace sshtc
