// core/text.hpp: small text helpers for messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hitscope {

// Levenshtein distance between two strings (bytes).
int EditDistance(std::string_view a, std::string_view b);

// " (did you mean 'x'?)" for the candidate closest to `name` when it is close enough, else "".
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

// "'a', 'b', 'c'" (at most `limit` names, then ", ... (N more)").
std::string QuoteList(const std::vector<std::string>& names, size_t limit = 30);

// The text with control characters and non-ASCII bytes escaped, cut to `limit` bytes: safe to
// print inside an error message.
std::string Printable(std::string_view text, size_t limit = 60);

}  // namespace hitscope
