// matrix.html: the run as one self-contained page (no network, no external script): a table per
// server with cells coloured by verdict, notes that say once what cells share, a click on a cell
// for its reason, the calls the audit flagged and the ends of its logs, and filters by client,
// transport, scenario and verdict. The page is report/matrix.html.in with the run's matrix.json
// in it; its script draws everything from that.
#pragma once

#include <string>

namespace sshtc {

std::string matrix_html(const std::string& matrix_json);

}  // namespace sshtc
