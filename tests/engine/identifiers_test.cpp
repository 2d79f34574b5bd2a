#include "engine/identifiers.hpp"

#include <gtest/gtest.h>

namespace permitflow {
namespace {

TEST(Uscc, AcceptsTheStandardsExample) { EXPECT_TRUE(ValidateUscc("91350100M000100Y43").ok()); }

TEST(Uscc, RejectsAWrongCheckCharacter) {
  Status s = ValidateUscc("91350100M000100Y44");
  EXPECT_EQ(s.code(), Code::kInvalidIdentifier);
  EXPECT_NE(s.message().find("check"), std::string::npos);
  EXPECT_FALSE(s.message_zh().empty());
}

TEST(Uscc, RejectsLettersOutsideTheAlphabet) {
  for (char bad : {'I', 'O', 'S', 'V', 'Z', 'a'}) {
    std::string code = "91350100M000100Y43";
    code[8] = bad;
    EXPECT_EQ(ValidateUscc(code).code(), Code::kInvalidIdentifier) << bad;
  }
}

TEST(Uscc, RejectsWrongLength) {
  EXPECT_EQ(ValidateUscc("91350100M000100Y4").code(), Code::kInvalidIdentifier);
  EXPECT_EQ(ValidateUscc("").code(), Code::kInvalidIdentifier);
}

TEST(Uscc, CheckCharacterThirtyOneBecomesZero) {
  // Find a body whose weighted sum is 0 mod 31: its check character must be '0'.
  const std::string body = "00000000000000000";
  EXPECT_TRUE(ValidateUscc(body + "0").ok());
  EXPECT_FALSE(ValidateUscc(body + "1").ok());
}

TEST(Uscc, UsccWithCheckRebuildsTheStandardsExample) {
  EXPECT_EQ(UsccWithCheck("91350100M000100Y4"), "91350100M000100Y43");
  EXPECT_TRUE(ValidateUscc(UsccWithCheck("91140829MA0K123456")).code() == Code::kInvalidIdentifier);
  EXPECT_TRUE(ValidateUscc(UsccWithCheck("91140829MA0K12345")).ok());
}

TEST(IdNumber, AcceptsTheStandardsExampleWithX) {
  EXPECT_TRUE(ValidateIdNumber("11010519491231002X").ok());
}

TEST(IdNumber, RejectsWrongCheckDigit) {
  EXPECT_EQ(ValidateIdNumber("110105194912310021").code(), Code::kInvalidIdentifier);
}

TEST(IdNumber, RejectsAnImpossibleBirthDate) {
  // 1949-02-30 does not exist; whatever the check digit, the date is refused first.
  Status s = ValidateIdNumber("110105194902300021");
  EXPECT_EQ(s.code(), Code::kInvalidIdentifier);
  EXPECT_NE(s.message().find("birth date"), std::string::npos);
}

TEST(IdNumber, RejectsLettersInTheBody) {
  EXPECT_EQ(ValidateIdNumber("1101051949123100AX").code(), Code::kInvalidIdentifier);
}

TEST(IdNumber, MaskKeepsRegionAndLastFour) {
  EXPECT_EQ(MaskIdNumber("14082919900101123X"), "140829********123X");
}

}  // namespace
}  // namespace permitflow
