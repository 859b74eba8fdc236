#pragma once
// Where each variable of a model sits in its variables tree, as the GUI shows it and as a
// `variable_scope` selector matches it (docs/edit-script.md):
// - its graph name ("dense/kernel"), or for TF2 variables whose graph names collide (Keras metrics
//   each hold a "count" and a "total") its object path ("keras_api/metrics/0/count");
// - an optimizer slot under its variable: "<variable path>/<slot name>" ("dense/kernel/m").
//
//   std::vector<std::string> paths = variableTreePaths(model.summary());   // one per variable

#include <string>
#include <vector>

namespace tfscope {

struct ModelSummary;

// One path per summary.variables entry, same order. Never empty for a variable with a name.
std::vector<std::string> variableTreePaths(const ModelSummary& summary);

}  // namespace tfscope
