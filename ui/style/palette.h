#pragma once

// The one palette for health and warnings: every page, badge and table takes its colours from
// here, so "degraded" is the same amber everywhere.

#include "core/monitor/topologysnapshot.h"

#include <QColor>
#include <QIcon>
#include <QString>

namespace sdui::palette {

QColor good();          // healthy, up, met
QColor warning();       // degraded, something to look at
QColor bad();           // critical, down, refused
QColor unknown();       // not polled yet, nothing known
QColor local();         // what SessionDeck itself did (its own events on the charts)
QColor health(sdcore::Health health);
// A darker warning, for text on a light background.
QColor warningText();
// Row backgrounds, light enough for the dark text set with them.
QColor badBackground();
QColor warningBackground();
// "color: #rrggbb;", for a label's style sheet.
QString textStyle(const QColor &color);
// A small round badge in `color`, for lists.
QIcon badge(const QColor &color);

} // namespace sdui::palette
