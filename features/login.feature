@extended
Feature: Logging in
  Login is the email address and password, then the attestation before any other
  page. No login for 90 days locks the account; a locked account is told by email.

  Background:
    Given a registered student on post-completion OPT

  @rule-attestation-first
  Scenario: Nothing is shown before the attestation
    When the student logs in without attesting
    Then viewing the employers is refused with "attestation-required"
    When the student attests
    Then the student sees no employers

  @rule-inactivity-lock
  Scenario Outline: No login for 90 days locks the account
    When <days> days pass without a login
    Then the student <outcome>

    Examples:
      | days | outcome                                                          |
      | 89   | can log in                                                       |
      | 91   | cannot log in with the right password: the portal says "account-locked" |

  @rule-lock-notice
  Scenario: A locked account is told by email
    When the student logs in with a wrong password 3 times
    Then the student receives exactly one "account locked" email
