#pragma once
// ModelView: the graph as the model view of the canvas shows it: the dataflow of a signature (from
// its inputs to its outputs) or, without one, of the whole graph; TensorFlow's plumbing
// (plumbing.h) moved into side-group scopes "(Initialization)", "(Training)" … with no edges to
// the network, so it never shapes the network's layout; constants and variable reads folded into
// the op that uses them (kept as rows: name, dtype, shape); trivial Identity chains and control
// edges dropped; a node feeding many others keeps a count instead of its edges; function calls
// ((Stateful)PartitionedCall) replaced by their bodies, so a TF2 Keras model reads as its layers.
// The result is an ordinary GraphIndex over a new GraphDef, which the canvas lays out like any
// graph, plus per-node annotations.
//
//   ModelViewOptions o; o.outputs = {"y:0"}; o.inputs = {"x:0"};
//   TFS_ASSIGN_OR_RETURN(auto view, buildModelView(*model->graphIndex(0), o));
//   canvas->setGraph(view->index);  // view->folded[id] lists node id's weights

#include <memory>
#include <string>
#include <vector>

#include "model/graph/graph_index.h"
#include "model/graph/plumbing.h"

namespace tfscope {

struct FoldedWeight {
    std::string name;   // the variable or constant node ("conv1/kernel")
    std::string dtype;  // "float32"
    std::string shape;  // "[3,3,1,32]"; "" when unknown
    const tensorflow::NodeDef* def = nullptr;  // the weight's node (kept alive by its ModelView)
};

struct ModelViewOptions {
    std::vector<std::string> inputs;   // signature input tensors ("x:0"): the dataflow starts here
    std::vector<std::string> outputs;  // signature output tensors; empty: the whole graph
    bool inlineFunctions = true;
    int maxInlineDepth = 4;
    int maxInlinedNodes = 20000;             // in all: past it, further calls stay collapsed (Large)
    int maxBodyNodes = 1500;                 // a function body bigger than this stays a collapsed call (Large)
    std::vector<std::string> openFunctions;  // inlined whatever their size (the user opened them)
    int fanOutLimit = 12;         // more data consumers than this: a count instead of edges
};

// Why a function call of the view was not replaced by its body.
enum class CollapsedCall : uint8_t {
    None,
    Recursive,  // the function calls itself, directly or through others: inlining stops there
    Large,      // its body is over ModelViewOptions::maxBodyNodes (or the total cap): open on request
};

struct ModelView {
    std::shared_ptr<const GraphIndex> index;  // the view's graph
    // By view node id:
    std::vector<std::vector<FoldedWeight>> folded;
    std::vector<int> fanOut;         // data consumers drawn as a count (0: edges drawn)
    std::vector<Plumbing> plumbing;  // side group of the node (None: the network)
    std::vector<CollapsedCall> collapsed;                   // a call left collapsed, and why
    std::vector<std::string> callee;                        // for collapsed calls: the function's name
    std::vector<int> calleeNodes;                           // for collapsed calls: its body's node count
    std::vector<std::shared_ptr<const GraphIndex>> bodies;  // inlined function bodies (own the defs)
    int foldedNodes = 0;             // raw nodes not drawn (weights, reads, Identity chains)
    int inlinedCalls = 0;
};

// The lines a node box of the model view shows for its folded weights: the weight's last name
// component and shape, "kernel ⟨3×3×1×8⟩" (UTF-8), at most kMaxWeightRows; with more weights the
// last line is "+N more". rowWeight(i) is the index in `weights` of line i (-1 for "+N more").
constexpr size_t kMaxWeightRows = 4;
std::vector<std::string> weightRowTexts(const std::vector<FoldedWeight>& weights);
inline int rowWeight(const std::vector<FoldedWeight>& weights, size_t row) {
    return weights.size() > kMaxWeightRows && row + 1 == kMaxWeightRows ? -1 : int(row);
}
// Length of UTF-8 text in code points.
size_t utf8Length(std::string_view text);

// The scope of a side group in the view's node names: "(Initialization)", "(Save & Restore)" …
std::string sideGroupScope(Plumbing p);
// True when `scopePath` is a side group's scope.
bool isSideGroupScope(std::string_view scopePath);

// Builds the view of `raw` (a GraphDef's index; function calls are resolved in its library).
// Unknown signature tensors are ignored. Empty when nothing is left to show.
Result<std::shared_ptr<const ModelView>> buildModelView(const GraphIndex& raw, const ModelViewOptions& options);

}  // namespace tfscope
