#include "core/support/logging.h"

#include "core/support/keytext.h"
#include "core/support/logbuffer.h"

#include <QDir>
#include <QStandardPaths>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <mutex>

namespace sdcore {

namespace {

QString g_logFilePath;

class LogBufferSink final : public spdlog::sinks::base_sink<std::mutex>
{
protected:
    void sink_it_(const spdlog::details::log_msg &msg) override
    {
        spdlog::memory_buf_t formatted;
        formatter_->format(msg, formatted);
        QString line = QString::fromUtf8(formatted.data(), qsizetype(formatted.size()));
        while (line.endsWith(QLatin1Char('\n')) || line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        LogBuffer::instance().append(int(msg.level), line);
    }
    void flush_() override {}
};

// Log messages quote what servers said (event payloads, error replies): their control
// characters are escaped before any sink writes them, so a hostile server cannot forge log
// lines or drive the terminal that shows stderr.
class SafeTextSink final : public spdlog::sinks::base_sink<std::mutex>
{
public:
    explicit SafeTextSink(spdlog::sink_ptr inner) : m_inner(std::move(inner)) {}

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override
    {
        const bool clean = std::none_of(msg.payload.begin(), msg.payload.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u < 0x20 || u == 0x7f || u >= 0x80;
        });
        if (clean) {
            m_inner->log(msg);
            return;
        }
        const std::string safe =
            KeyText::terminalSafe(QString::fromUtf8(msg.payload.data(), qsizetype(msg.payload.size()))).toStdString();
        spdlog::details::log_msg copy = msg;
        copy.payload = spdlog::string_view_t(safe.data(), safe.size());
        m_inner->log(copy);
    }
    void flush_() override { m_inner->flush(); }
    void set_pattern_(const std::string &pattern) override { m_inner->set_pattern(pattern); }
    void set_formatter_(std::unique_ptr<spdlog::formatter> formatter) override
    {
        m_inner->set_formatter(std::move(formatter));
    }

private:
    spdlog::sink_ptr m_inner;
};

} // namespace

bool Logging::isValidLevel(const QString &level)
{
    static const QStringList names{"trace", "debug", "info", "warn", "warning",
                                   "error", "critical", "off"};
    return names.contains(level.toLower());
}

QString Logging::logFilePath() { return g_logFilePath; }

Status Logging::setup(const LogOptions &options)
{
    QString levelName = options.level.toLower();
    if (levelName == QLatin1String("warning"))
        levelName = QStringLiteral("warn");
    if (!isValidLevel(levelName)) {
        return makeError(ErrorKind::BadUrl,
                         QStringLiteral("Unknown log level '%1' (use trace, debug, info, warn, "
                                        "error, critical or off)")
                             .arg(options.level));
    }
    const auto level = spdlog::level::from_str(levelName.toStdString());

    std::vector<spdlog::sink_ptr> sinks;
    sinks.push_back(std::make_shared<LogBufferSink>());
    if (options.toStderr)
        sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    if (options.toFile) {
        QString dir = options.directory;
        if (dir.isEmpty())
            dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                + QStringLiteral("/logs");
        QDir().mkpath(dir);
        const QString path = QDir(dir).filePath(options.fileName);
        try {
            sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                path.toStdString(), 5 * 1024 * 1024, 3));
            g_logFilePath = path;
        } catch (const spdlog::spdlog_ex &e) {
            std::fprintf(stderr, "sessiondeck: cannot open log file %s: %s\n",
                         path.toLocal8Bit().constData(), e.what());
        }
    }
    for (spdlog::sink_ptr &sink : sinks)
        sink = std::make_shared<SafeTextSink>(sink);
    auto logger = std::make_shared<spdlog::logger>("sessiondeck", sinks.begin(), sinks.end());
    logger->set_level(level);
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%t] %v");
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
    spdlog::flush_every(std::chrono::seconds(2));
    return success();
}

} // namespace sdcore
