#pragma once
// Drives modal dialogs in Qt Test: `onNextModal<T>(fn)` runs fn(dialog) from the event loop as soon
// as a modal widget of type T (QDialog, QMessageBox, QInputDialog, QFileDialog) is the active one,
// so a test can fill its fields and accept it while the code under test sits in exec().
//
//   onNextModal<QMessageBox>([](QMessageBox* box) { box->button(QMessageBox::Discard)->click(); });
//   window.openPath(other);            // shows the box; returns after fn() closed it
//
// Gives up after 60 s (fn is not called) so a test never waits forever for a dialog that did not
// appear; the test then fails on what the dialog should have done. A dialog that fn left open is
// rejected (with a warning) 30 s later, so a handler that failed to close it fails the test's
// checks instead of hanging it until the CTest timeout.
//
// File dialogs: choose with chooseFile(d, path), not QFileDialog::selectFile(): selectFile leaves
// the file-name field alone while it has keyboard focus, which it has or not depending on when the
// window manager activated the dialog, so accept() then saw an empty name and kept the dialog open.
#include <QApplication>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QLineEdit>
#include <QPointer>
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
        if (!w) return;
        QPointer<QWidget> guard(w);
        fn(w);
        QTimer::singleShot(30000, [guard] {
            if (!guard || !guard->isVisible()) return;
            qWarning("dialog_driver: the handler left '%s' open; rejecting it", qPrintable(guard->windowTitle()));
            if (auto* d = qobject_cast<QDialog*>(guard.data())) d->reject();
        });
    });
    timer->start();
}

// Fills a file dialog's name field with path (absolute) and accepts it, whatever has focus.
inline void chooseFile(QFileDialog* d, const QString& path) {
    auto* edit = d->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
    if (edit) {
        edit->setText(path);
    } else {
        d->selectFile(path);
    }
    static_cast<QDialog*>(d)->accept();  // QFileDialog::accept() is protected there
}
