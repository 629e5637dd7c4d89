@security @rule-tokens-single-use @asvs-2.3.1 @asvs-2.7.3
Feature: A link the portal never sent opens nothing
  Registration and reset links work only as the portal sent them: a made-up or
  mistyped token is refused as unknown.

  Scenario: Registering with a link the portal never sent is refused
    Given a student on post-completion OPT approved by USCIS
    Then registering with a link the portal never sent is refused with "token-invalid"
    And registering with the link in the newest "account creation" email succeeds

  Scenario: A password reset link the portal never sent is refused
    Given a registered student on post-completion OPT
    When the student uses the password reset button
    Then following a password reset link the portal never sent is refused with "token-invalid"
    And the student can log in
