#include "ui/window/logview.h"

#include "core/support/logbuffer.h"

#include <QFontDatabase>
#include <QScrollBar>
#include <QTimer>

namespace sdui {

LogView::LogView(QWidget *parent) : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("logView"));
    setReadOnly(true);
    setMaximumBlockCount(int(sdcore::LogBuffer::instance().capacity()));
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::NoWrap);
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &LogView::refresh);
    m_timer->start(250);
    refresh();
}

void LogView::refresh()
{
    const auto lines = sdcore::LogBuffer::instance().linesSince(m_lastSequence);
    if (lines.isEmpty())
        return;
    QStringList text;
    text.reserve(lines.size());
    for (const auto &line : lines)
        text << line.text;
    m_lastSequence = lines.last().sequence;
    QScrollBar *bar = verticalScrollBar();
    const bool atBottom = bar->value() == bar->maximum();
    appendPlainText(text.join(QLatin1Char('\n')));
    if (atBottom)
        bar->setValue(bar->maximum());
}

} // namespace sdui
