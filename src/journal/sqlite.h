// A small RAII layer over the SQLite C API: a connection, prepared statements with typed
// binding, and a transaction guard that rolls back unless committed. SQLite errors become
// empathic::Error (Unavailable when the database is busy or the disk is full, Internal when a
// statement is wrong); no SQLite handle escapes this layer.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace empathic::sql {

class Statement;

/// One open connection. Not thread-safe on its own: the Journal serializes calls.
class Database {
  public:
    /// Opens (creating) `path` read-write with foreign keys on and a 5 s busy timeout.
    explicit Database(const std::filesystem::path& path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// Runs one or more statements without results.
    void exec(std::string_view sql);
    /// Prepares a statement (cached by the caller if reused).
    Statement prepare(std::string_view sql);
    /// Row id of the last insert.
    std::int64_t last_insert_id() const;
    /// Rows changed by the last statement.
    int changes() const;
    sqlite3* handle() const { return db_; }

  private:
    sqlite3* db_ = nullptr;
};

/// A prepared statement. bind() indices start at 1; step() returns true while a row is ready.
class Statement {
  public:
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const std::string& value) {
        return bind(index, std::string_view(value));
    }
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind_null(int index);
    Statement& bind(int index, const std::optional<std::int64_t>& value);

    /// Advances; true when a row is available, false when done.
    bool step();
    /// Runs a statement that returns no rows.
    void run();
    /// Resets so the statement can run again with new bindings.
    void reset();

    std::int64_t int64(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    /// The text of a column without copying; valid until the next step() or reset().
    std::string_view view(int column) const;
    bool is_null(int column) const;

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_;
};

/// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() was called.
class Transaction {
  public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();

  private:
    Database& db_;
    bool done_ = false;
};

}  // namespace empathic::sql
