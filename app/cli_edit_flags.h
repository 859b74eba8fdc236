#pragma once
// The value-edit flags shared by `tfscope export` and `tfscope run`: --set 'w=2' / 'w[0,1]=2.5',
// --scale 'w=0.5', --add 'w=1', --from-npy 'w=file.npy' (repeatable), turned into EditOps.
//
//   ValueEditFlags flags;  addValueEditFlags(*sub, flags);
//   auto ops = valueEditOps(flags);   // InvalidArgument "--set expects 'name=value', got 'w'."

#include <string>
#include <vector>

#include "model/edit/edit_op.h"
#include "model/status.h"

namespace CLI {
class App;
}

namespace tfscope::cli {

struct ValueEditFlags {
    std::vector<std::string> set, scale, add, fromNpy;
    bool empty() const { return set.empty() && scale.empty() && add.empty() && fromNpy.empty(); }
};

void addValueEditFlags(CLI::App& sub, ValueEditFlags& flags);
// In the order --set, --scale, --add, --from-npy; each list in the order given.
Result<std::vector<EditOp>> valueEditOps(const ValueEditFlags& flags);

}  // namespace tfscope::cli
