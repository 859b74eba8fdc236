#pragma once
// ViewChoice: which meta graph and signature the canvas shows. A tag set is given as its tags
// joined by commas ("serve", "serve,gpu"; order does not matter); without one the first meta
// graph is used. Without a signature key: "serving_default" if present, else the first
// signature, else none (the model view then shows the whole graph).
//
//   TFS_ASSIGN_OR_RETURN(ViewChoice c, chooseView(model->summary(), "eval", ""));
//   auto opts = modelViewOptions(model->summary(), c);

#include <string>
#include <string_view>

#include "model/graph/model_view.h"
#include "model/loader/model_summary.h"

namespace tfscope {

struct ViewChoice {
    int metaGraph = 0;
    std::string signature;  // "" = none
};

// InvalidArgument naming the unknown tag set or signature and the ones there are.
Result<ViewChoice> chooseView(const ModelSummary& summary, std::string_view tagSet, std::string_view signature);
// The tags of meta graph `mg` joined by commas.
std::string tagSetText(const MetaGraphSummary& mg);
// The signature's input and output tensors (empty without a signature).
ModelViewOptions modelViewOptions(const ModelSummary& summary, const ViewChoice& choice);

}  // namespace tfscope
