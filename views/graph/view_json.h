#pragma once
// viewJson: what a canvas layout shows, as JSON (docs/cli-json.md, "The first view"): every
// visible item (op, group, side-group) with its scene rect, an op's folded weights, and every
// drawn edge with its endpoints and path. `tfscope --view-json` writes it; tests assert on it.
//
//   QJsonObject j = viewJson(canvas->layout(), canvas->modelView());

#include <QJsonObject>

#include "model/graph/model_view.h"
#include "model/layout/canvas_layout.h"

namespace tfscope {

QJsonObject viewJson(const CanvasLayout& layout, const ModelView* view);

}  // namespace tfscope
