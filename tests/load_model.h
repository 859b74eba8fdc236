#pragma once
// Loading what a suite cannot go on without (a committed fixture, or a shared model after
// TFSCOPE_REQUIRE_SHARED_MODELS): on failure the suite stops with the loader's message.
//
//   auto model = loadModelOrDie(TFSCOPE_TEST_DATA "/tf2_module");
//   EditSet set = openEditSet(TFSCOPE_TEST_DATA "/tutorial_ckpt");

#include <QtGlobal>

#include <memory>
#include <string>
#include <utility>

#include "model/edit/edit_set.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

inline std::shared_ptr<const tfscope::Model> loadModelOrDie(const std::string& path) {
    auto m = tfscope::ModelLoader::load(path);
    if (!m.ok()) qFatal("%s", m.status().toString().c_str());
    return std::move(m).value();
}

inline tfscope::EditSet openEditSet(const std::string& path) {
    auto set = tfscope::EditSet::fromModel(loadModelOrDie(path));
    if (!set.ok()) qFatal("%s", set.status().toString().c_str());
    return std::move(set).value();
}
