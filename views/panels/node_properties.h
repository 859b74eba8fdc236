#pragma once
// nodePropertiesHtml: the properties panel text for one graph node: name, op, device, every
// attribute decoded (functions as links), inputs and outputs as links to the producing/consuming
// node. Links: "node:NAME", "func:NAME", "var:INDEX" (ModelSummary::variables).

#include <QString>

#include <string>
#include <utility>
#include <vector>

#include "model/graph/graph_index.h"
#include "model/tensor.h"

namespace tfscope {

struct ModelSummary;

// `summary` may be null (then no variable link is offered).
QString nodePropertiesHtml(const GraphIndex& index, NodeId node, const ModelSummary* summary);
// The same content as plain text lines ("op: MatMul", "input 0: x:0"), for tests and copying.
QString nodePropertiesText(const GraphIndex& index, NodeId node);
// "Last value" section: per output ("node:k" -> value) its dtype, shape and statistics (min, max,
// mean, std over finite values, NaN / Inf counts; tensor_stats.h), or `error` when the last
// Evaluate failed; "" when there is neither. Tensors above 16 Mi elements get no statistics here.
QString nodeValuesHtml(const std::vector<std::pair<std::string, Tensor>>& values, const QString& error);

}  // namespace tfscope
