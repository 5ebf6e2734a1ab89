#pragma once

// What the Workspace needs of a demo deployment, without knowing how one is started: the lab's
// DemoDeployment implements it, and the app hands the Workspace a factory for it (see
// Workspace::setDemoFactory), so the product library does not contain the lab. Created, used
// and destroyed on the UI thread; destroying it stops everything it started.

#include "core/redis/redisurl.h"
#include "core/store/realdrillreport.h"

#include <QObject>

#include <functional>
#include <memory>

namespace sdcore {

class DemoHost : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Starts the deployment; progress, then ready or failed, follow.
    virtual void start() = 0;
    virtual bool isReady() const = 0;
    // The real drill on the running deployment; ends with realDrillFinished.
    virtual void runRealDrill() = 0;

Q_SIGNALS:
    void realDrillFinished(const sdcore::RealDrillReport &report);
    void progress(const QString &message);
    void ready(const sdcore::RedisUrl &sentinelUrl);
    void failed(const QString &message);
};

using DemoFactory = std::function<std::unique_ptr<DemoHost>()>;

} // namespace sdcore
