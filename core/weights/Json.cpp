#include "core/weights/Json.h"

#include <set>

namespace impasto {

JsonValue::JsonValue() = default;
JsonValue::JsonValue(const JsonValue&) = default;
JsonValue::JsonValue(JsonValue&&) noexcept = default;
JsonValue& JsonValue::operator=(const JsonValue&) = default;
JsonValue& JsonValue::operator=(JsonValue&&) noexcept = default;
JsonValue::~JsonValue() = default;

namespace {

// Deep enough for any real header; bounds the recursion on hostile input like "[[[[...".
constexpr int kMaxDepth = 64;

class Parser {
public:
    Parser(std::string_view text, JsonGrammar grammar) : text_(text), grammar_(grammar) {}

    JsonValue parseDocument() {
        JsonValue value = parseValue(0);
        skipWhitespace();
        if (position_ != text_.size()) {
            fail("unexpected text after the end");
        }
        return value;
    }

private:
    [[noreturn]] void fail(const std::string& problem) const {
        throw JsonError(problem + " at byte " + std::to_string(position_));
    }

    void skipWhitespace() {
        while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\t' ||
                                            text_[position_] == '\n' || text_[position_] == '\r')) {
            ++position_;
        }
    }

    char peek() {
        if (position_ >= text_.size()) {
            fail("unexpected end");
        }
        return text_[position_];
    }

    void expect(char wanted) {
        if (peek() != wanted) {
            fail(std::string("expected '") + wanted + "'");
        }
        ++position_;
    }

    JsonValue parseValue(int depth) {
        if (depth > kMaxDepth) {
            fail("nested too deeply");
        }
        skipWhitespace();
        const char first = peek();
        if (first == '{') {
            return parseObject(depth);
        }
        if (first == '[') {
            return parseArray(depth);
        }
        JsonValue value;
        const bool complete = grammar_ == JsonGrammar::Complete;
        if (first == '"') {
            value.kind = JsonValue::Kind::String;
            value.text = parseString();
        } else if (complete && (first == '-' || isDigit(first))) {
            value.kind = JsonValue::Kind::Number;
            value.text = parseNumberLiteral();
        } else if (first == '-' || isDigit(first)) {
            value.kind = JsonValue::Kind::Integer;
            value.integer = parseInteger();
        } else if (complete && (first == 't' || first == 'f')) {
            value.kind = JsonValue::Kind::Boolean;
            value.boolean = first == 't';
            expectWord(value.boolean ? "true" : "false");
        } else if (complete && first == 'n') {
            value.kind = JsonValue::Kind::Null;
            expectWord("null");
        } else {
            fail(complete ? "expected a value" : "expected an object, array, string or integer");
        }
        return value;
    }

    JsonValue parseObject(int depth) {
        JsonValue object;
        object.kind = JsonValue::Kind::Object;
        std::set<std::string> keys;
        expect('{');
        skipWhitespace();
        if (peek() == '}') {
            ++position_;
            return object;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                fail("expected a key");
            }
            std::string key = parseString();
            if (!keys.insert(key).second) {
                fail("duplicate key \"" + key + "\"");
            }
            skipWhitespace();
            expect(':');
            JsonValue member = parseValue(depth + 1);
            object.members.emplace_back(std::move(key), std::move(member));
            skipWhitespace();
            if (peek() == '}') {
                ++position_;
                return object;
            }
            expect(',');
        }
    }

    JsonValue parseArray(int depth) {
        JsonValue array;
        array.kind = JsonValue::Kind::Array;
        expect('[');
        skipWhitespace();
        if (peek() == ']') {
            ++position_;
            return array;
        }
        while (true) {
            array.elements.push_back(parseValue(depth + 1));
            skipWhitespace();
            if (peek() == ']') {
                ++position_;
                return array;
            }
            expect(',');
        }
    }

    static bool isDigit(char c) { return c >= '0' && c <= '9'; }

    void expectWord(std::string_view word) {
        if (text_.substr(position_, word.size()) != word) {
            fail("expected " + std::string(word));
        }
        position_ += word.size();
    }

    size_t skipDigits() {
        const size_t start = position_;
        while (position_ < text_.size() && isDigit(text_[position_])) {
            ++position_;
        }
        return position_ - start;
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, returned as written.
    std::string parseNumberLiteral() {
        const size_t start = position_;
        if (peek() == '-') {
            ++position_;
        }
        if (!isDigit(peek())) {
            fail("expected a digit");
        }
        if (text_[position_] == '0' && position_ + 1 < text_.size() &&
            isDigit(text_[position_ + 1])) {
            fail("leading zero in a number");
        }
        skipDigits();
        if (position_ < text_.size() && text_[position_] == '.') {
            ++position_;
            if (skipDigits() == 0) {
                fail("expected a digit after the decimal point");
            }
        }
        if (position_ < text_.size() && (text_[position_] == 'e' || text_[position_] == 'E')) {
            ++position_;
            if (position_ < text_.size() && (text_[position_] == '+' || text_[position_] == '-')) {
                ++position_;
            }
            if (skipDigits() == 0) {
                fail("expected a digit in the exponent");
            }
        }
        return std::string(text_.substr(start, position_ - start));
    }

    int64_t parseInteger() {
        const bool negative = peek() == '-';
        if (negative) {
            ++position_;
        }
        const char first = peek();
        if (first < '0' || first > '9') {
            fail("expected a digit");
        }
        if (first == '0' && position_ + 1 < text_.size() && text_[position_ + 1] >= '0' &&
            text_[position_ + 1] <= '9') {
            fail("leading zero in a number");
        }
        // Magnitude accumulated as unsigned so that INT64_MIN is representable.
        const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
        uint64_t magnitude = 0;
        while (position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9') {
            const uint64_t digit = static_cast<uint64_t>(text_[position_] - '0');
            if (magnitude > (limit - digit) / 10) {
                fail("number out of range");
            }
            magnitude = magnitude * 10 + digit;
            ++position_;
        }
        if (position_ < text_.size() &&
            (text_[position_] == '.' || text_[position_] == 'e' || text_[position_] == 'E')) {
            fail("only integers are supported");
        }
        return negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
    }

    uint32_t parseHex4() {
        uint32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = peek();
            value <<= 4;
            if (c >= '0' && c <= '9') {
                value |= static_cast<uint32_t>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                value |= static_cast<uint32_t>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                value |= static_cast<uint32_t>(c - 'A' + 10);
            } else {
                fail("invalid \\u escape");
            }
            ++position_;
        }
        return value;
    }

    // Decodes \uXXXX, joining surrogate pairs; a lone surrogate is not a character.
    uint32_t parseUnicodeEscape() {
        const uint32_t unit = parseHex4();
        if (unit >= 0xDC00 && unit <= 0xDFFF) {
            fail("unpaired surrogate in \\u escape");
        }
        if (unit < 0xD800 || unit > 0xDBFF) {
            return unit;
        }
        expect('\\');
        expect('u');
        const uint32_t low = parseHex4();
        if (low < 0xDC00 || low > 0xDFFF) {
            fail("unpaired surrogate in \\u escape");
        }
        return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }

    static void appendUtf8(std::string& out, uint32_t codePoint) {
        if (codePoint < 0x80) {
            out += static_cast<char>(codePoint);
        } else if (codePoint < 0x800) {
            out += static_cast<char>(0xC0 | (codePoint >> 6));
            out += static_cast<char>(0x80 | (codePoint & 0x3F));
        } else if (codePoint < 0x10000) {
            out += static_cast<char>(0xE0 | (codePoint >> 12));
            out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (codePoint & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (codePoint >> 18));
            out += static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (codePoint & 0x3F));
        }
    }

    std::string parseString() {
        expect('"');
        std::string out;
        while (true) {
            const char c = peek();
            ++position_;
            if (c == '"') {
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                --position_;
                fail("control character in a string");
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            const char escape = peek();
            ++position_;
            switch (escape) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '/':
                    out += '/';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u':
                    appendUtf8(out, parseUnicodeEscape());
                    break;
                default:
                    --position_;
                    fail("invalid escape");
            }
        }
    }

    std::string_view text_;
    JsonGrammar grammar_;
    size_t position_ = 0;
};

}  // namespace

JsonValue parseJson(std::string_view text, JsonGrammar grammar) {
    return Parser(text, grammar).parseDocument();
}

}  // namespace impasto
