#pragma once
// Tests that read the real models beside the checkout (../shared/testdata/models, or the folder
// given by -DTFSCOPE_SHARED_MODELS=...) skip with a message naming that folder when it is
// missing, instead of failing: a plain clone runs the in-repo fixtures (tests/data) only.
// Which suites skip what: docs/testing.md#without-the-shared-models.
//
//   void testHalfPlusTwo() { TFSCOPE_REQUIRE_SHARED_MODELS(); ... }   // per test function,
//   void testRows() { QFETCH(QString, path); if (path.startsWith(kModels)) TFSCOPE_REQUIRE_SHARED_MODELS(); ... }
#include <QFileInfo>
#include <QTest>

inline bool tfscopeSharedModelsPresent() { return QFileInfo(QStringLiteral(TFSCOPE_SHARED_MODELS)).isDir(); }

#define TFSCOPE_REQUIRE_SHARED_MODELS()                                                \
    do {                                                                               \
        if (!tfscopeSharedModelsPresent())                                             \
            QSKIP("The shared real models are missing: " TFSCOPE_SHARED_MODELS         \
                  " (../shared/testdata/models beside the checkout) does not exist."); \
    } while (false)
