// libFuzzer target: the text-format path (saved_model.pbtxt), incl. error positions.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tfscope;
    const std::string dir = fuzz::scratchDir() + "/sm_txt";
    static const bool made = [&] { return std::system(("mkdir -p '" + dir + "'").c_str()) == 0; }();
    if (!made) return 0;
    fuzz::writeFile(dir + "/saved_model.pbtxt", data, size);
    auto model = ModelLoader::load(dir);
    (void)model;
    return 0;
}
