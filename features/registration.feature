@extended
Feature: Registering a portal account
  The account creation link is valid 14 days (the send day is day 1) and works once.
  Registration asks for the SEVIS ID; three wrong entries lock registration. The
  password follows the policy.

  Background:
    Given a student on post-completion OPT approved by USCIS

  @rule-registration-link-14-days
  Scenario Outline: The registration link works through day 14 and not after
    When <days> days pass
    Then registering with the link in the newest "account creation" email <outcome>

    Examples:
      | days | outcome                          |
      | 13   | succeeds                         |
      | 14   | is refused with "token-expired"  |

  @rule-registration-link-single-use @rule-tokens-single-use @security @asvs-2.3.1 @asvs-2.7.3
  Scenario: The registration link works once
    Given the student registered with the link in the newest "account creation" email
    Then registering with the link in the newest "account creation" email is refused with "token-used"

  @rule-registration-sevis-id-check
  Scenario: A wrong SEVIS ID is refused, and three lock registration
    When the student registers with a wrong SEVIS ID 2 times
    Then the portal refuses with "sevis-id-mismatch"
    When the student registers with a wrong SEVIS ID 1 time
    Then registering with the link in the newest "account creation" email is refused with "registration-locked"

  @rule-registration-sevis-id-check
  Scenario: Two wrong SEVIS IDs leave registration open
    When the student registers with a wrong SEVIS ID 2 times
    Then the student can register with the link in the newest "account creation" email

  @rule-password-policy
  Scenario: A password one character short of the minimum is refused
    When the student registers with a password one character short of the minimum length
    Then the portal refuses with "password-policy"

  @rule-password-policy
  Scenario: A password of the minimum length is accepted
    When the student registers with a password of the minimum length
    Then the student can log in

  @rule-password-policy
  Scenario Outline: A password that breaks the policy is refused
    When the student registers with the password "<password>"
    Then the portal refuses with "password-policy"

    Examples:
      | password               |
      | Short1!                |
      | NoDigitsHere!!x        |
      | nospecial12345         |
      | 123456789012!          |

  @rule-password-policy
  Scenario: A password that contains the SEVIS ID is refused
    When the student registers with a password containing their SEVIS ID
    Then the portal refuses with "password-policy"

  @rule-password-policy
  Scenario: The student cannot reuse the current password at a reset
    Given the student registered with the link in the newest "account creation" email
    When the student uses the password reset button
    And the student follows the link in the "password reset" email and sets the current password again
    Then the portal refuses with "password-reused"
