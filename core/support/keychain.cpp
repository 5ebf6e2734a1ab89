#include "core/support/keychain.h"

#include <qt6keychain/keychain.h>

#include <QPointer>

#include <mutex>

namespace sdcore::keychain {

namespace {

std::mutex g_mutex;
QString g_service = QStringLiteral("SessionDeck");

Outcome outcomeOf(QKeychain::Job *job)
{
    Outcome o;
    switch (job->error()) {
    case QKeychain::NoError: o.code = Outcome::Code::Ok; break;
    case QKeychain::EntryNotFound: o.code = Outcome::Code::NotFound; break;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        o.code = Outcome::Code::Unavailable;
        break;
    case QKeychain::OtherError:
        // libsecret without a D-Bus session or without anything serving org.freedesktop.secrets.
        o.code = Outcome::Code::Unavailable;
        break;
    case QKeychain::CouldNotDeleteEntry: o.code = Outcome::Code::Failed; break;
    }
    if (!o.ok() && o.code != Outcome::Code::NotFound) {
        o.message = job->errorString().isEmpty() ? QStringLiteral("no keychain service")
                                                 : job->errorString();
    }
    return o;
}

template <typename JobType>
void run(JobType *job, const QString &key, QObject *context, Callback done,
         const std::function<void(JobType *, Outcome &)> &fill = {})
{
    job->setAutoDelete(true);
    job->setKey(key);
    QPointer<QObject> guard(context);
    QObject::connect(job, &QKeychain::Job::finished, context, [job, guard, done, fill](QKeychain::Job *) {
        Outcome o = outcomeOf(job);
        if (o.ok() && fill)
            fill(job, o);
        if (guard && done)
            done(o);
    });
    job->start();
}

} // namespace

QString service()
{
    std::lock_guard lock(g_mutex);
    return g_service;
}

void setService(const QString &name)
{
    std::lock_guard lock(g_mutex);
    g_service = name;
}

void read(const QString &key, QObject *context, Callback done)
{
    auto *job = new QKeychain::ReadPasswordJob(service());
    run<QKeychain::ReadPasswordJob>(job, key, context, std::move(done),
                                    [](QKeychain::ReadPasswordJob *j, Outcome &o) { o.secret = j->textData(); });
}

void write(const QString &key, const QString &secret, QObject *context, Callback done)
{
    auto *job = new QKeychain::WritePasswordJob(service());
    job->setTextData(secret);
    run<QKeychain::WritePasswordJob>(job, key, context, std::move(done));
}

void remove(const QString &key, QObject *context, Callback done)
{
    auto *job = new QKeychain::DeletePasswordJob(service());
    run<QKeychain::DeletePasswordJob>(job, key, context, std::move(done));
}

} // namespace sdcore::keychain
