#pragma once
// Drives modal dialogs in Qt Test: `onNextModal<T>(fn)` runs fn(dialog) from the event loop as soon
// as a modal widget of type T (QDialog, QMessageBox, QInputDialog, QFileDialog) is the active one,
// so a test can fill its fields and accept it while the code under test sits in exec().
//
//   onNextModal<QMessageBox>([](QMessageBox* box) { box->button(QMessageBox::Discard)->click(); });
//   window.openPath(other);            // shows the box; returns after fn() closed it
//
// Gives up after 60 s (fn is not called) so a test never waits forever for a dialog that did not
// appear; the test then fails on what the dialog should have done. (10 s was too short: the first
// QFileDialog of a process can take that long to build on a busy CI machine, and a timer tick that
// came before it was shown gave up.)
#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <memory>

template <typename T>
void onNextModal(std::function<void(T*)> fn) {
    auto* timer = new QTimer;
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, clock, fn = std::move(fn)] {
        T* w = qobject_cast<T*>(QApplication::activeModalWidget());
        if (w && !w->isVisible()) w = nullptr;
        // The modal stack is not always updated yet on the offscreen platform: also look for a
        // visible modal top-level of that type.
        for (QWidget* t : QApplication::topLevelWidgets()) {
            if (w) break;
            if (auto* c = qobject_cast<T*>(t); c && c->isVisible() && c->isModal()) w = c;
        }
        if (!w && clock->elapsed() < 60000) return;
        timer->stop();
        timer->deleteLater();
        if (w) fn(w);
    });
    timer->start();
}
