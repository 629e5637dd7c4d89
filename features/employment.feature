@extended
Feature: Reporting employment
  Post-completion OPT students add, edit and delete employers, with dates inside the
  authorization and fields that follow SEVIS rules. STEM OPT students cannot add an
  employer: the DSO enters it from the Form I-983 and it appears the next day; they may
  edit the supervisor, job title and end date. The unemployment counter counts the
  days without an employer since the OPT start.

  @rule-employer-validation
  Scenario Outline: An employer that breaks the rules is refused and nothing is saved
    Given a logged-in student on post-completion OPT
    When the student adds an employer with <problem>
    Then the portal refuses with "<error>"
    And the student sees no employers
    And SEVIS holds no employment for the student

    Examples:
      | problem                                 | error                        |
      | a name of 101 characters                | validation-failed            |
      | a ZIP code of 4 digits                  | validation-failed            |
      | a start date before the OPT start date  | dates-outside-authorization  |
      | an end date after the OPT end date      | dates-outside-authorization  |

  @rule-stem-employer-by-dso
  Scenario: A STEM OPT student cannot add an employer
    Given a logged-in student on STEM OPT
    When the student adds the employer "Cedar Labs"
    Then the portal refuses with "action-not-allowed"

  @rule-stem-employer-by-dso
  Scenario: The DSO enters a STEM employer; it appears the day after
    Given a logged-in student on STEM OPT
    When the DSO enters the STEM employer "Cedar Labs" in SEVIS
    Then the student does not see the employer "Cedar Labs"
    When the daily sync from SEVIS to the portal runs
    Then the student sees the employer "Cedar Labs"

  @rule-stem-employer-by-dso
  Scenario: A STEM OPT student edits the job title, not the employer name
    Given a logged-in student on STEM OPT
    And the DSO entered the STEM employer "Cedar Labs" in SEVIS
    And the daily sync from SEVIS to the portal runs
    When the student changes the job title at "Cedar Labs" to "Research Engineer"
    Then the student sees "Research Engineer" as the job title at "Cedar Labs"
    When the student changes the employer name of "Cedar Labs" to "Cedar Labs West"
    Then the portal refuses with "action-not-allowed"

  @rule-unemployment-counter
  Scenario: The counter counts the days without an employer since the OPT start
    Given a logged-in student on post-completion OPT
    When 30 days pass after the OPT start date, the student logging in monthly
    Then the unemployment counter shows 30 of 90 days used
    When the student reports an employer starting today
    Then the unemployment counter shows 30 of 90 days used
    When 20 days pass, the student logging in monthly
    Then the unemployment counter has not moved

  @rule-unemployment-counter
  Scenario: With STEM OPT the allowance is 150 days
    Given a logged-in student on STEM OPT
    Then the unemployment counter allows 150 days
