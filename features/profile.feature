@extended
Feature: Profile and contact information
  Name and birth date are read-only; the physical address, mailing address and phone
  are editable. An address that fails SEVIS validation is not saved. Each change
  reaches SEVIS at once and shows on the History page with its old and new value.

  Background:
    Given a logged-in student on post-completion OPT

  @rule-contact-validation
  Scenario Outline: An address that fails validation is not saved
    When the student changes their address to one with <problem>
    Then the portal refuses with "validation-failed"
    And the student's address is unchanged
    And SEVIS still holds the student's old address

    Examples:
      | problem                        |
      | a ZIP code of 4 digits         |
      | a state that does not exist    |
      | a street of 65 characters      |
      | no street                      |

  @rule-contact-validation
  Scenario: A phone number that is not one is not saved
    When the student changes their phone number to "call me maybe"
    Then the portal refuses with "validation-failed"

  @rule-contact-change-reaches-sevis
  Scenario: A new phone number reaches SEVIS and the History page
    When the student changes their phone number
    Then SEVIS holds the new phone number
    And the History page shows the phone change with the old and the new number
