#pragma once

// Internal to core, not API: what sessiondecoder.cpp shares with the allocation-free scanner in
// sessionuserscan.cpp (SessionDecoder::quickUser, and where a cut JSON object's whole members
// end). Pure functions on bytes; any thread may call them.

#include <QByteArrayView>

namespace sdcore::UserScan {

inline bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

inline qsizetype firstNonSpace(QByteArrayView bytes)
{
    qsizetype i = 0;
    while (i < bytes.size() && isJsonSpace(bytes[i]))
        ++i;
    return i;
}

// Where the complete top-level members of a cut JSON object end: bytes up to there plus '}' make
// a whole object. 0 when there is none.
qsizetype completeMembersEnd(QByteArrayView bytes);

} // namespace sdcore::UserScan
