#pragma once
// nodePropertiesHtml: the properties panel text for one graph node: name, op, device, every
// attribute decoded (functions as links), inputs and outputs as links to the producing/consuming
// node. Links: "node:NAME", "func:NAME", "var:INDEX" (ModelSummary::variables).

#include <QString>

#include "model/graph/graph_index.h"

namespace tfscope {

struct ModelSummary;

// `summary` may be null (then no variable link is offered).
QString nodePropertiesHtml(const GraphIndex& index, NodeId node, const ModelSummary* summary);
// The same content as plain text lines ("op: MatMul", "input 0: x:0"), for tests and copying.
QString nodePropertiesText(const GraphIndex& index, NodeId node);

}  // namespace tfscope
