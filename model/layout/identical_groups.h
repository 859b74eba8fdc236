#pragma once
// Groups with the same structure as a given one ("identical layers"): the same op types, wired the
// same way inside the group, with the same weight shapes (a node's own shape/value attributes and,
// in the model view, the weights folded into it). Names do not count, so block_3 matches block_7.
// Compared by a Weisfeiler–Lehman style hash of the group's nodes, only among groups with the same
// node count; groups nested in one another are not counted twice (the outermost match counts).
//
//   std::vector<int> same = identicalGroups(*tree, g, view);   // g itself included, by path
//   panel->showText(QString("identical layers: %1").arg(same.size()));

#include <vector>

#include "model/layout/group_tree.h"

namespace tfscope {

struct ModelView;

// Groups identical to `group` (itself included, ordered by path); empty for the root or a series.
// `view`: the model view `tree` shows (its folded weights count), or nullptr.
std::vector<int> identicalGroups(const GroupTree& tree, int group, const ModelView* view);

}  // namespace tfscope
