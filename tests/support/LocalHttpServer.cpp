#include "support/LocalHttpServer.h"

#include <QHostAddress>
#include <QRegularExpression>
#include <QTcpSocket>

#include <memory>
#include <stdexcept>

namespace impasto::test {

namespace {

QByteArray statusLine(int status) {
    switch (status) {
        case 200:
            return "HTTP/1.1 200 OK\r\n";
        case 206:
            return "HTTP/1.1 206 Partial Content\r\n";
        case 302:
            return "HTTP/1.1 302 Found\r\n";
        case 416:
            return "HTTP/1.1 416 Range Not Satisfiable\r\n";
        default:
            return "HTTP/1.1 404 Not Found\r\n";
    }
}

// The header's value, matched case-insensitively as HTTP requires; empty when absent.
QByteArray headerValue(const QList<QByteArray>& lines, const QByteArray& name) {
    for (const QByteArray& line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower()) {
            return line.mid(colon + 1).trimmed();
        }
    }
    return {};
}

}  // namespace

LocalHttpServer::LocalHttpServer() {
    if (!server_.listen(QHostAddress::LocalHost, 0)) {
        throw std::runtime_error("Cannot listen on 127.0.0.1: " +
                                 server_.errorString().toStdString());
    }
    QObject::connect(&server_, &QTcpServer::newConnection, &server_, [this] { accept(); });
}

QString LocalHttpServer::url(const QByteArray& path) const {
    return QStringLiteral("http://127.0.0.1:%1%2").arg(server_.serverPort()).arg(path);
}

void LocalHttpServer::serve(const QByteArray& path, const QByteArray& body) {
    bodies_[path] = body;
}

void LocalHttpServer::redirect(const QByteArray& from, const QByteArray& to) {
    redirects_[from] = to;
}

void LocalHttpServer::accept() {
    while (QTcpSocket* socket = server_.nextPendingConnection()) {
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        auto received = std::make_shared<QByteArray>();
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, received] {
            received->append(socket->readAll());
            const qsizetype end = received->indexOf("\r\n\r\n");
            if (end >= 0) {
                const QByteArray head = received->left(end);
                received->clear();
                respond(socket, head);
            }
        });
    }
}

void LocalHttpServer::respond(QTcpSocket* socket, const QByteArray& head) {
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    const Request request{requestLine.value(1), headerValue(lines, "Range")};
    requests_.append(request);

    int status = 404;
    QByteArray headers;
    QByteArray body;
    if (redirects_.contains(request.path)) {
        status = 302;
        headers += "Location: " + url(redirects_.value(request.path)).toLatin1() + "\r\n";
    } else if (bodies_.contains(request.path)) {
        body = bodies_.value(request.path);
        status = 200;
        static const QRegularExpression rangePattern(QStringLiteral(R"(^bytes=(\d+)-$)"));
        const QRegularExpressionMatch range =
            rangePattern.match(QString::fromLatin1(request.range));
        if (range.hasMatch() && !ignoreRange_) {
            const qint64 first = range.captured(1).toLongLong();
            const qint64 size = body.size();
            if (first >= size) {
                status = 416;
                headers += "Content-Range: bytes */" + QByteArray::number(size) + "\r\n";
                body.clear();
            } else {
                status = 206;
                headers += "Content-Range: bytes " + QByteArray::number(first) + "-" +
                           QByteArray::number(size - 1) + "/" + QByteArray::number(size) + "\r\n";
                body = body.mid(first);
            }
        }
    }
    headers += "Content-Type: application/octet-stream\r\nContent-Length: " +
               QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n";
    socket->write(statusLine(status) + headers);

    if (stallAfter_ >= 0) {
        socket->write(body.left(stallAfter_));
        stallAfter_ = -1;
        return;
    }
    if (dropAfter_ >= 0) {
        body = body.left(dropAfter_);
        dropAfter_ = -1;
    }
    socket->write(body);
    socket->disconnectFromHost();
}

}  // namespace impasto::test
