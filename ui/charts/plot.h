#pragma once

// QCustomPlot, for every file that draws a chart. Its header uses Qt's lower-case keywords
// (signals, slots, emit, foreach), which this project turns off (QT_NO_KEYWORDS); they are defined for
// that header alone.

#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
