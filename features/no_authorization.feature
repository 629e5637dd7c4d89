Feature: Without an approved OPT there is no account to create and no employer to report
  A denied OPT request sends nothing to the portal. After a transfer the new program
  record has no OPT: there is no authorization to report an employer under.

  @core @faq-7 @rule-approval-sends-creation-email
  Scenario: A denied OPT request sends no account creation email
    Given a student whose post-completion OPT request is pending with USCIS
    When USCIS denies the OPT request
    Then the student receives no "account creation" email

  @core @faq-8 @rule-transfer-new-program
  Scenario: After a transfer there is no authorization to report an employer under
    Given a logged-in student on post-completion OPT
    When the DSO records the student's transfer to another school
    Then adding an employer in the student's current session is refused with "no-authorization"
