#pragma once
// Tests that read ../shared/testdata/models (the real models beside the checkout) skip with a
// clear message when that folder is missing, instead of failing one slow timeout after another.
//
//   void testHalfPlusTwo() { TFSCOPE_REQUIRE_SHARED_MODELS(); ... }
#include <QFileInfo>
#include <QTest>

#define TFSCOPE_REQUIRE_SHARED_MODELS()                                                                        \
    do {                                                                                                        \
        if (!QFileInfo(QStringLiteral(TFSCOPE_SHARED_MODELS)).isDir())                                          \
            QSKIP("The shared real models are missing: " TFSCOPE_SHARED_MODELS                                   \
                  " (../shared/testdata/models beside the checkout) does not exist.");                         \
    } while (false)
