#pragma once

// Text forms of what comes from a server, for every text output (CLI lines, the audit log, the
// window). Pure functions; any thread may call them.
//
// Rules a change must keep:
// - printable() is the one printable form of a key or session id. It is injective (two keys
//   never print alike: the backslash itself is escaped) and fromPrintable() reverses it, so
//   whatever `sessions list` prints, `show` and `delete` accept back.
// - terminalSafe() is for display only: every field that came from a server (users, session
//   fields, values, error texts) goes through it before it reaches a terminal or a line-based
//   output, so that a session cannot forge output lines or send escape sequences. JSON output
//   does not use it: JSON escapes control characters itself and stays exact.

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace sdcore {

class KeyText
{
public:
    // Printable UTF-8 as it is; a backslash as "\\"; every other byte (control characters,
    // invalid UTF-8, code points that print as nothing or move the text: format characters,
    // line and paragraph separators) as "\xNN".
    static QString printable(QByteArrayView key);
    // The bytes printable() made `text` from; nullopt when `text` has a backslash that is not
    // "\\" or "\xNN". Characters that printable() would have escaped are taken as they are.
    static std::optional<QByteArray> fromPrintable(QStringView text);

    // `text` with control characters (C0 including tab, DEL, C1), format characters (bidi
    // overrides, zero-width) and line/paragraph separators written as \xNN or \u{NNNN}.
    // With keepLineBreaks, '\n' and '\t' stay (a multi-line value shown after the headers).
    static QString terminalSafe(QStringView text, bool keepLineBreaks = false);
};

} // namespace sdcore
