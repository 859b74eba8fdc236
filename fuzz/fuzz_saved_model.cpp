// libFuzzer target: SavedModel loading (binary saved_model.pb) and everything the summary builds
// from it (signatures, variables, object graph, graph index).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tfscope;
    const std::string dir = fuzz::scratchDir() + "/sm_pb";
    static const bool made = [&] { return std::system(("mkdir -p '" + dir + "'").c_str()) == 0; }();
    if (!made) return 0;
    fuzz::writeFile(dir + "/saved_model.pb", data, size);
    auto model = ModelLoader::load(dir);
    (void)model;
    return 0;
}
