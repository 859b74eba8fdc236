#pragma once
// LayoutEngine: places the nodes of a directed graph in layers (sources on top, edges pointing
// down) and routes each edge as a polyline. Input and output are plain numbers, so a layout runs
// off the GUI thread (docs/architecture.md#graph-canvas): the caller measures labels, sends sizes, applies positions.
//
//   LayoutInput in;  in.nodes = {{0, 80, 30}, {1, 80, 30}};  in.edges = {{0, 1}};
//   Progress progress;
//   TFS_ASSIGN_OR_RETURN(LayoutResult r, layoutGraph(in, &progress));   // picks an engine by size
//   r.positions[1].y > r.positions[0].y
//
// Engines: GraphvizLayout (libgvc `dot`: best drawings, superlinear, used for small graphs) and
// LayeredLayout (ours: longest-path layering + barycenter sweeps, O(V+E) per sweep, for big ones).
// Thread safety: engines hold no state between calls; layout() may run on any thread.

#include <memory>
#include <string>
#include <vector>

#include "model/status.h"

namespace tfscope {

class Progress;

struct LayoutNode {
    int id = 0;        // caller's id, copied to nothing; positions are returned by index
    double w = 0;      // size in scene units (pixels)
    double h = 0;
};

struct LayoutEdge {
    int src = 0;       // index into LayoutInput::nodes
    int dst = 0;
};

struct LayoutPoint {
    double x = 0;
    double y = 0;
};

struct LayoutInput {
    std::vector<LayoutNode> nodes;
    std::vector<LayoutEdge> edges;   // may contain cycles, self loops and duplicates
    double nodeSep = 24;             // horizontal gap between neighbours in a layer
    double rankSep = 36;             // vertical gap between layers
};

struct LayoutResult {
    std::vector<LayoutPoint> positions;             // node centres, by node index
    std::vector<std::vector<LayoutPoint>> edgePaths;  // by edge index; >= 2 points (src → dst)
    double width = 0;                               // bounding box, top-left at (0, 0)
    double height = 0;
    std::string engine;                             // "dot" or "layered"
};

class LayoutEngine {
public:
    virtual ~LayoutEngine() = default;
    // `progress` may be null. Returns Cancelled when progress->isCancelled().
    virtual Result<LayoutResult> layout(const LayoutInput& input, Progress* progress) const = 0;
};

// Above this many nodes (or 3× as many edges) the Graphviz engine is not used.
constexpr size_t kGraphvizMaxNodes = 400;

// The engine layoutGraph() would use for `input`.
std::unique_ptr<LayoutEngine> chooseLayoutEngine(const LayoutInput& input);
// chooseLayoutEngine(input)->layout(input, progress); falls back to LayeredLayout if dot fails.
Result<LayoutResult> layoutGraph(const LayoutInput& input, Progress* progress = nullptr);

}  // namespace tfscope
